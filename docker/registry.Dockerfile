# Build from the repository root after packaging the registry:
#   ./mvnw -B -q -pl registry -am package -DskipTests
#   docker build -f docker/registry.Dockerfile -t dualmode/registry .
FROM eclipse-temurin:17-jre
COPY registry/target/dualmode-registry-*-all.jar /opt/dualmode/registry.jar
VOLUME /var/lib/dualmode/registry
EXPOSE 8848 9848
ENTRYPOINT ["java", "-Xms64m", "-Xmx512m", "-jar", "/opt/dualmode/registry.jar", "--data-dir", "/var/lib/dualmode/registry"]
