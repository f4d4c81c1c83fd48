//! Backing services named by the build's dependencies.

use crate::model::BackingKind;

use super::Dep;

pub(super) fn backing_of(d: &Dep) -> Vec<BackingKind> {
    let a = d.artifact.as_str();
    let kind = match a {
        "postgresql"
        | "r2dbc-postgresql"
        | "quarkus-jdbc-postgresql"
        | "quarkus-reactive-pg-client" => Some(BackingKind::Postgres),
        "mysql-connector-j"
        | "mysql-connector-java"
        | "mariadb-java-client"
        | "r2dbc-mysql"
        | "quarkus-jdbc-mysql"
        | "quarkus-jdbc-mariadb" => Some(BackingKind::Mysql),
        "spring-boot-starter-data-redis"
        | "spring-boot-starter-data-redis-reactive"
        | "jedis"
        | "lettuce-core"
        | "redisson"
        | "quarkus-redis-client" => Some(BackingKind::Redis),
        "spring-boot-starter-data-mongodb"
        | "spring-boot-starter-data-mongodb-reactive"
        | "mongodb-driver-sync"
        | "mongodb-driver-reactivestreams"
        | "quarkus-mongodb-client" => Some(BackingKind::Mongodb),
        "spring-boot-starter-amqp" | "spring-rabbit" | "amqp-client" => Some(BackingKind::Rabbitmq),
        "spring-kafka" | "kafka-clients" | "quarkus-kafka-client" => Some(BackingKind::Kafka),
        "spring-cloud-aws-starter-s3" | "aws-java-sdk-s3" | "minio" => Some(BackingKind::S3),
        "s3" if d.group == "software.amazon.awssdk" => Some(BackingKind::S3),
        "spring-boot-starter-data-elasticsearch" | "elasticsearch-java" => {
            Some(BackingKind::Elasticsearch)
        }
        _ => None,
    };
    kind.into_iter().collect()
}
