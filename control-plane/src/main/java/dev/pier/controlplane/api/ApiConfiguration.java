package dev.pier.controlplane.api;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.error.ErrorCode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import jakarta.servlet.MultipartConfigElement;
import java.util.Arrays;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** The REST API's shared setup: upload limits and the OpenAPI document's description. */
@Configuration(proxyBeanMethods = false)
class ApiConfiguration {
  /** Room for the multipart headers and the small JSON {@code metadata} part beside the file. */
  private static final DataSize MULTIPART_OVERHEAD = DataSize.ofMegabytes(2);

  /**
   * Multipart limits derived from {@code pier.max-upload-size}, so one setting governs uploads
   * (Spring Boot's {@code spring.servlet.multipart.*} backs off when this bean exists). Every part
   * goes to a temporary file as it arrives ({@code file-size-threshold} 0), never into memory, and
   * the servlet container stops reading as soon as a part is over the limit.
   */
  @Bean
  MultipartConfigElement multipartConfigElement(PierProperties properties) {
    MultipartConfigFactory factory = new MultipartConfigFactory();
    factory.setMaxFileSize(properties.maxUploadSize());
    factory.setMaxRequestSize(
        DataSize.ofBytes(properties.maxUploadSize().toBytes() + MULTIPART_OVERHEAD.toBytes()));
    factory.setFileSizeThreshold(DataSize.ofBytes(0));
    return factory.createMultipartConfig();
  }

  /**
   * Every operation can answer with a problem: documented once, as the {@code default} response,
   * instead of repeating the error statuses on each endpoint.
   */
  @Bean
  OpenApiCustomizer problemResponses() {
    return openApi -> {
      openApi
          .getComponents()
          .addSchemas(
              "Problem",
              new ObjectSchema()
                  .description("RFC 9457 problem details, with Pier's error code")
                  .addProperty(
                      "type", new StringSchema().example("urn:pier:problem:model-not-found"))
                  .addProperty("title", new StringSchema().example("Model not found"))
                  .addProperty("status", new IntegerSchema().example(404))
                  .addProperty("detail", new StringSchema().example("model 'iris' does not exist"))
                  .addProperty("instance", new StringSchema().example("/api/v1/models/iris"))
                  .addProperty(
                      "code",
                      new StringSchema()
                          ._enum(Arrays.stream(ErrorCode.values()).map(Enum::name).toList()))
                  .addProperty(
                      "errors",
                      new ArraySchema()
                          .description("validation failures only: one entry per problem")
                          .items(
                              new ObjectSchema()
                                  .addProperty("field", new StringSchema())
                                  .addProperty("message", new StringSchema()))));
      ApiResponse problem =
          new ApiResponse()
              .description("A problem: 4xx for the caller's mistakes, 5xx for the control plane's")
              .content(
                  new Content()
                      .addMediaType(
                          org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                          new MediaType()
                              .schema(new Schema<>().$ref("#/components/schemas/Problem"))));
      openApi
          .getPaths()
          .values()
          .forEach(
              path ->
                  path.readOperations()
                      .forEach(
                          operation ->
                              operation.getResponses().addApiResponse("default", problem)));
    };
  }

  @Bean
  OpenAPI controlPlaneOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Pier control plane API")
                .version("v1")
                .description(
                    "Everything the Pier console does, as REST. Errors are RFC 9457 problem"
                        + " details with a 'code' from Pier's error vocabulary.")
                .license(
                    new License()
                        .name("Apache License, Version 2.0")
                        .url("https://www.apache.org/licenses/LICENSE-2.0")));
  }
}
