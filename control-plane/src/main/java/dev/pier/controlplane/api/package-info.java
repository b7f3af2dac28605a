/**
 * What every REST endpoint of the control plane shares: the mapping of the error vocabulary to RFC
 * 9457 problem details ({@code ApiExceptionHandler}, the only {@code @RestControllerAdvice}),
 * multipart limits, and the OpenAPI document (served at {@code /api/v1/openapi.json}, Swagger UI at
 * {@code /api/v1/docs}). Feature packages own their controllers ({@code <feature>.web}).
 */
package dev.pier.controlplane.api;
