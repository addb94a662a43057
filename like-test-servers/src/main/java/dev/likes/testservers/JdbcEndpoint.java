package dev.likes.testservers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Where a test database is and how to log in. {@link #toString()} never shows the password.
 *
 * @param url the JDBC URL, e.g. {@code jdbc:mysql://127.0.0.1:13306/like_test}
 * @param user the user name
 * @param password the password
 */
public record JdbcEndpoint(String url, String user, String password) {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Opens a new connection with {@link DriverManager}. Connecting gives up after 10 seconds and a statement that
     * gets no reply for 2 minutes fails, so that a server stopped or hung by a test (or left so by a run that was
     * killed) fails the test instead of hanging it.
     *
     * @return the connection; the caller closes it
     * @throws SQLException if the server refuses, is down or does not answer in time
     */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
        properties.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toMillis()));
        return DriverManager.getConnection(url, properties);
    }

    /**
     * The same server and credentials, another database.
     *
     * @param database the database name
     * @return the endpoint
     */
    public JdbcEndpoint withDatabase(String database) {
        int slash = url.indexOf('/', "jdbc:mysql://".length());
        int query = url.indexOf('?', slash);
        String tail = query < 0 ? "" : url.substring(query);
        return new JdbcEndpoint(url.substring(0, slash + 1) + database + tail, user, password);
    }

    @Override
    public String toString() {
        return "JdbcEndpoint[url=" + url + ", user=" + user + ", password=****]";
    }
}
