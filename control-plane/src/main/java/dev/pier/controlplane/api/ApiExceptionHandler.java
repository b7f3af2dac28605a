package dev.pier.controlplane.api;

import dev.pier.controlplane.PierProperties;
import dev.pier.controlplane.artifact.SizeLimit;
import dev.pier.controlplane.error.ErrorCategory;
import dev.pier.controlplane.error.ErrorCode;
import dev.pier.controlplane.error.PierException;
import dev.pier.controlplane.gateway.OipErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;

/**
 * The one place where failures become HTTP responses: RFC 9457 problem details with Pier's error
 * {@code code}, for the REST API and every other Spring MVC endpoint of the control plane.
 *
 * <p>Each body has {@code type} ({@code urn:pier:problem:<code>}), {@code title} (the code's),
 * {@code status}, {@code detail} (what exactly is wrong, naming fields, values and limits), {@code
 * instance} (the request path) and {@code code}; validation failures add {@code errors}, one {@code
 * {field, message}} per problem. Client mistakes never answer 500: anything Spring rejects is
 * mapped by its status; only unexpected exceptions are internal errors, logged with their stack
 * trace and shown without internals. A dependency that cannot be reached answers 503 with {@code
 * Retry-After}.
 */
@RestControllerAdvice
class ApiExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
  private static final String TYPE_PREFIX = "urn:pier:problem:";

  /**
   * Seconds a caller should wait after a 503: long enough for a restarting dependency (an
   * Elasticsearch node starts in about 10 s), short enough that a console user is not kept waiting.
   */
  static final int RETRY_AFTER_SECONDS = 10;

  private static final DisconnectedClientHelper disconnectedClients =
      new DisconnectedClientHelper(ApiExceptionHandler.class.getName());

  private final SizeLimit uploadLimit;

  ApiExceptionHandler(PierProperties properties) {
    this.uploadLimit =
        new SizeLimit(properties.maxUploadSize(), PierProperties.MAX_UPLOAD_SIZE_KEY);
  }

  /** The REST mapping of the error categories; exhaustive, so a new category cannot be missed. */
  static HttpStatus status(ErrorCategory category) {
    return switch (category) {
      case INVALID_INPUT -> HttpStatus.BAD_REQUEST;
      case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
      case FORBIDDEN -> HttpStatus.FORBIDDEN;
      case TOO_MANY_REQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
      case NOT_FOUND -> HttpStatus.NOT_FOUND;
      case METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
      case NOT_ACCEPTABLE -> HttpStatus.NOT_ACCEPTABLE;
      case UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
      case CONFLICT -> HttpStatus.CONFLICT;
      case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
      case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
      case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
      case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
      case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
    };
  }

  @ExceptionHandler(PierException.class)
  ResponseEntity<ProblemDetail> pier(PierException e, HttpServletRequest request) {
    if (e.code().category() == ErrorCategory.INTERNAL) {
      log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
    }
    return problem(e.code(), e.getMessage(), request);
  }

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<ProblemDetail> invalidBody(
      MethodArgumentNotValidException e, HttpServletRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    for (FieldError error : e.getBindingResult().getFieldErrors()) {
      problems.add(new FieldProblem(error.getField(), error.getDefaultMessage()));
    }
    e.getBindingResult()
        .getGlobalErrors()
        .forEach(error -> problems.add(new FieldProblem("", error.getDefaultMessage())));
    return validationFailed(problems, request);
  }

  @ExceptionHandler(HandlerMethodValidationException.class)
  ResponseEntity<ProblemDetail> invalidParameters(
      HandlerMethodValidationException e, HttpServletRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            result -> {
              String parameter = result.getMethodParameter().getParameterName();
              for (MessageSourceResolvable error : result.getResolvableErrors()) {
                String field =
                    error instanceof FieldError fieldError
                        ? parameter + "." + fieldError.getField()
                        : parameter;
                problems.add(new FieldProblem(field, error.getDefaultMessage()));
              }
            });
    return validationFailed(problems, request);
  }

  /** Bean Validation on application services (the console calls them directly). */
  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> invalidArguments(
      ConstraintViolationException e, HttpServletRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
      problems.add(new FieldProblem(fieldOf(violation.getPropertyPath()), violation.getMessage()));
    }
    return validationFailed(problems, request);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(
      HttpMessageNotReadableException e, HttpServletRequest request) {
    return problem(ErrorCode.INVALID_REQUEST, unreadableDetail(e), request);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String expected =
        e.getRequiredType() == null ? "another type" : e.getRequiredType().getSimpleName();
    return validationFailed(
        List.of(
            new FieldProblem(
                e.getName(),
                "must be " + article(expected) + " " + expected + ", not '" + e.getValue() + "'")),
        request);
  }

  @ExceptionHandler(MaxUploadSizeExceededException.class)
  ResponseEntity<ProblemDetail> uploadTooLarge(
      MaxUploadSizeExceededException e, HttpServletRequest request) {
    return pier(uploadLimit.exceeded(), request);
  }

  @ExceptionHandler(MultipartException.class)
  ResponseEntity<ProblemDetail> malformedMultipart(
      MultipartException e, HttpServletRequest request) {
    return problem(
        ErrorCode.INVALID_REQUEST,
        "the multipart request cannot be read: " + e.getMostSpecificCause().getMessage(),
        request);
  }

  /**
   * Method security on an application service refused the caller although the request's access rule
   * let it through (say, listing everyone's tokens without ADMIN): a 403 like the filter chain's,
   * not an internal error.
   */
  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> denied(AccessDeniedException e, HttpServletRequest request) {
    return problem(
        ErrorCode.ACCESS_DENIED,
        request.getMethod()
            + " "
            + request.getRequestURI()
            + ": the caller's roles do not allow this",
        request);
  }

  @ExceptionHandler(OptimisticLockingFailureException.class)
  ResponseEntity<ProblemDetail> concurrentModification(
      OptimisticLockingFailureException e, HttpServletRequest request) {
    return problem(
        ErrorCode.CONCURRENT_MODIFICATION,
        "the resource was changed by another request at the same time; read it again and retry",
        request);
  }

  /**
   * Everything else: Spring MVC's own rejections (they carry their status: unknown path, wrong
   * method, unsupported content type, missing part or parameter...) and genuine internal errors.
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<?> other(Exception e, HttpServletRequest request) {
    if (disconnectedClients.checkAndLogClientDisconnectedException(e)) {
      return null; // nobody is listening for an answer
    }
    if (OipErrors.isGatewayPath(request.getRequestURI())) {
      // The gateway speaks OIP: what Spring MVC rejects there (unknown path, wrong method) too.
      if (e instanceof ErrorResponse response) {
        String detail = response.getBody().getDetail();
        return OipErrors.error(response.getStatusCode().value(), detail, 0);
      }
      log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
      return OipErrors.error(500, "the control plane failed to handle the request", 0);
    }
    if (e instanceof ErrorResponse response) {
      ErrorCode code = codeFor(response.getStatusCode());
      if (code.category() == ErrorCategory.INTERNAL) {
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
      }
      String detail = response.getBody().getDetail();
      ResponseEntity<ProblemDetail> problem =
          problem(code, detail == null ? code.title() : detail, request);
      HttpHeaders headers = new HttpHeaders();
      headers.putAll(problem.getHeaders());
      headers.putAll(response.getHeaders());
      return new ResponseEntity<>(problem.getBody(), headers, problem.getStatusCode());
    }
    log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
    return problem(
        ErrorCode.INTERNAL_ERROR,
        "the control plane failed to handle the request; the cause is in its log",
        request);
  }

  private static ErrorCode codeFor(HttpStatusCode status) {
    return switch (status.value()) {
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 404 -> ErrorCode.RESOURCE_NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 413 -> ErrorCode.ARTIFACT_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      default -> status.is4xxClientError() ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
    };
  }

  private ResponseEntity<ProblemDetail> validationFailed(
      List<FieldProblem> problems, HttpServletRequest request) {
    List<FieldProblem> sorted =
        problems.stream().sorted(Comparator.comparing(FieldProblem::field)).toList();
    String detail =
        sorted.stream()
            .map(problem -> problem.field().isEmpty() ? problem.message() : problem.describe())
            .collect(Collectors.joining("; "));
    ResponseEntity<ProblemDetail> response = problem(ErrorCode.VALIDATION_FAILED, detail, request);
    response
        .getBody()
        .setProperty(
            "errors",
            sorted.stream()
                .map(problem -> Map.of("field", problem.field(), "message", problem.message()))
                .toList());
    return response;
  }

  private static ResponseEntity<ProblemDetail> problem(
      ErrorCode code, String detail, HttpServletRequest request) {
    HttpStatus status = status(code.category());
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setType(URI.create(TYPE_PREFIX + code.slug()));
    body.setTitle(code.title());
    body.setProperty("code", code.name());
    try {
      body.setInstance(URI.create(request.getRequestURI()));
    } catch (IllegalArgumentException e) {
      // A path that is not a valid URI reference: the problem is complete without it.
    }
    ResponseEntity.BodyBuilder response =
        ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (code.category() == ErrorCategory.UNAUTHENTICATED) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    if (code.category() == ErrorCategory.UNAVAILABLE) {
      response.header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
    }
    return response.body(body);
  }

  /** The path inside the validated argument: "createModel.newModel.tags[0]" gives "tags[0]". */
  private static String fieldOf(Path path) {
    StringBuilder field = new StringBuilder();
    for (Path.Node node : path) {
      if (node.getKind() == ElementKind.METHOD
          || node.getKind() == ElementKind.CONSTRUCTOR
          || node.getKind() == ElementKind.PARAMETER
          || node.getKind() == ElementKind.CROSS_PARAMETER
          || node.getKind() == ElementKind.BEAN) {
        continue;
      }
      if (node.getName() != null) {
        if (!field.isEmpty()) {
          field.append('.');
        }
        field.append(node.getName());
      }
      if (node.getIndex() != null) {
        field.append('[').append(node.getIndex()).append(']');
      } else if (node.getKey() != null) {
        field.append('[').append(node.getKey()).append(']');
      }
    }
    return field.toString();
  }

  private static String unreadableDetail(HttpMessageNotReadableException e) {
    Throwable cause = e.getMostSpecificCause();
    if (cause instanceof StreamReadException malformed) {
      return "the request body is not valid JSON"
          + at(malformed)
          + ": "
          + malformed.getOriginalMessage();
    }
    if (cause instanceof JacksonException mismatch) {
      String field = jsonPath(mismatch);
      return (field.isEmpty() ? "the request body" : "field '" + field + "'")
          + " has the wrong shape: "
          + mismatch.getOriginalMessage();
    }
    if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
      return "the request body is missing";
    }
    return "the request body cannot be read";
  }

  private static String at(JacksonException e) {
    TokenStreamLocation location = e.getLocation();
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String jsonPath(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String article(String word) {
    return "AEIOUaeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
  }

  private record FieldProblem(String field, String message) {
    String describe() {
      return field + ": " + message;
    }
  }
}
