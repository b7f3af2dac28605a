package dev.pier.controlplane.runtimes;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Checks the registration token on {@code /api/v1/runtimes/**} before the handler's arguments are
 * resolved: a caller without the token gets 401 whatever it sent, and learns nothing from
 * validation messages. The failure goes through the API's one exception handler like any other.
 */
@Configuration(proxyBeanMethods = false)
class RegistrationTokenInterceptor implements HandlerInterceptor, WebMvcConfigurer {
  private final RegistrationToken token;

  RegistrationTokenInterceptor(RegistrationToken token) {
    this.token = token;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/api/v1/runtimes/**");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    token.check(request.getHeader(HttpHeaders.AUTHORIZATION));
    return true;
  }
}
