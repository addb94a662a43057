package dev.likes.examples.boot;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call the API: every {@code /api/**} call is signed in (HTTP Basic here; a real application uses its own
 * login, the user id being the principal's name), the page and the health endpoint are public. State-changing calls
 * take only {@code application/json} bodies (see {@link LikeController}), which a cross-site form cannot send without
 * a CORS preflight, so no CSRF token is needed for this stateless API.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/api/**").authenticated()
                        .anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /** Demo users; the name is the user id the like service gets. */
    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("1001").password("{noop}demo").roles("USER").build(),
                User.withUsername("1002").password("{noop}demo").roles("USER").build(),
                User.withUsername("1003").password("{noop}demo").roles("USER").build());
    }
}
