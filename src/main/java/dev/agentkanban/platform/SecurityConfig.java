package dev.agentkanban.platform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP security. The API is stateless (no sessions, no CSRF tokens). Authentication arrives with the
 * identity feature; until then every route is open and acts as the anonymous actor.
 */
@Configuration
class SecurityConfig {

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .headers(h -> h.contentTypeOptions(c -> {}).frameOptions(f -> f.deny()))
                .authorizeHttpRequests(a -> a.requestMatchers("/error").permitAll().anyRequest().permitAll());
        return http.build();
    }
}
