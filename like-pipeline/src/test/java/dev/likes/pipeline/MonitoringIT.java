package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.testservers.TestServices;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the dashboard of {@code docs/monitoring}: {@code promtool} accepts the rules and their unit
 * tests pass, every series they name is one the pipeline exports, and a real Prometheus scraping a running pipeline
 * evaluates every rule and every panel without error, and fires the dead-letter alert when a poison record arrives.
 * Needs {@code prometheus} and {@code promtool} on the PATH (Debian's {@code prometheus} package;
 * {@code scripts/test.sh} installs it).
 */
class MonitoringIT {

    private static final Path MONITORING = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
            .resolve("docs/monitoring");
    private static final Path RULES = MONITORING.resolve("like-alerts.yml");
    private static final Path RULE_TESTS = MONITORING.resolve("like-alerts-test.yml");
    private static final Path DASHBOARD = MONITORING.resolve("like-dashboard.json");
    private static final Pattern SERIES = Pattern.compile("\\blikes_[a-z_]+\\b");

    private final Harness h = new Harness();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        assertThat(run("promtool", "check", "rules", RULES.toString())).contains("SUCCESS: 7 rules found");
        assertThat(run("promtool", "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    @Test
    void aRealPrometheusEvaluatesEveryRuleAndPanelOnARunningPipelineAndFiresOnDeadLetters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metrics.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        metrics.start();
        Path dir = Files.createTempDirectory("like-prometheus");
        try (LikePipeline p = h.pipeline().meterRegistry(registry).build()) {
            LikeService likes = p.service();
            for (long user = 1; user <= 50; user++) {
                likes.like(user, ContentRef.of("post", 1 + user % 5));
            }
            likes.unlike(1, ContentRef.of("post", 2));
            likes.count(ContentRef.of("post", 2));

            List<String> panels = panelQueries();
            Set<String> named = new TreeSet<>(seriesIn(Files.readString(RULES)));
            panels.forEach(q -> named.addAll(seriesIn(q)));
            String scrape = registry.scrape();
            for (String series : named) {
                assertThat(scrape).as("the pipeline exports %s, which the rules or the dashboard use", series)
                        .containsPattern("(?m)^" + series + "[{ ]");
            }

            int port = freePort();
            Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  evaluation_interval: 1s",
                    "rule_files:",
                    "  - " + RULES,
                    "scrape_configs:",
                    "  - job_name: like",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + metrics.getAddress().getPort() + "']",
                    ""));
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/";
                // Prometheus listens a moment after it starts: a refused connection until then is no failure
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptionsInstanceOf(IOException.class)
                        .untilAsserted(() -> assertThat(get(api + "targets").at("/data/activeTargets/0/health").asText())
                                .isEqualTo("up"));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode rules = get(api + "rules").at("/data/groups/0/rules");
                    assertThat(rules.size()).isEqualTo(7);
                    for (JsonNode rule : rules) {
                        assertThat(rule.path("health").asText()).as("rule %s: %s", rule.path("name").asText(),
                                rule.path("lastError").asText()).isEqualTo("ok");
                        assertThat(rule.path("lastEvaluation").asText()).doesNotStartWith("0001");
                    }
                });
                for (String query : panels) {
                    JsonNode answer = get(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
                    assertThat(answer.path("status").asText()).as("panel query %s: %s", query, answer).isEqualTo("success");
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(get(api + "query?query=sum(likes_mutations_seconds_count)").at("/data/result/0/value/1")
                                .asDouble()).as("the likes made, as Prometheus scraped them").isGreaterThanOrEqualTo(51));
                assertThat(firing(api)).as("nothing is wrong yet").doesNotContain("LikeDeadLetters");

                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap()),
                        new StringSerializer(), new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(h.topic, "poison", "not an event".getBytes(StandardCharsets.UTF_8)))
                            .get(30, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(firing(api)).contains("LikeDeadLetters"));
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        } finally {
            metrics.stop(0);
        }
    }

    /** The names of the alerts firing now. */
    private List<String> firing(String api) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (JsonNode alert : get(api + "alerts").at("/data/alerts")) {
            if ("firing".equals(alert.path("state").asText())) {
                names.add(alert.at("/labels/alertname").asText());
            }
        }
        return names;
    }

    private List<String> panelQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : json.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        assertThat(queries).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(12);
        return queries;
    }

    private static Set<String> seriesIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command[0] + " is not on the PATH: run the tests with scripts/test.sh, which"
                    + " installs Debian's prometheus package, or install it", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
