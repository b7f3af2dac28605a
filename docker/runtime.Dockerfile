# The serving runtime: one jar, no framework. Mount a model repository at /models.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 pier
COPY serving-runtime/target/pier-runtime.jar /opt/pier/pier-runtime.jar
USER pier
ENV ORT_DISABLE_TELEMETRY=1
EXPOSE 8000 8001 8002
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/pier/pier-runtime.jar", "--model-repository", "/models"]
