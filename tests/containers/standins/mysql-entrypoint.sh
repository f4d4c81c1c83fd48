#!/bin/sh
# The official mysql image's first-start behaviour, in short: see mysql.Containerfile.
set -e
if [ "${1#-}" != "$1" ]; then set -- mysqld "$@"; fi
if [ "$1" = mysqld ] && [ "$(id -u)" = 0 ]; then
  mkdir -p /var/lib/mysql /run/mysqld
  chown -R mysql:mysql /var/lib/mysql /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$0" "$@"
fi
if [ "$1" = mysqld ] && [ ! -d /var/lib/mysql/mysql ]; then
  if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    echo "error: MYSQL_ROOT_PASSWORD is empty (the official image refuses to start too)" >&2
    exit 1
  fi
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
    --auth-root-authentication-method=normal >/dev/null
  mariadbd --user=mysql --datadir=/var/lib/mysql --skip-networking \
    --socket=/run/mysqld/init.sock &
  pid=$!
  i=0
  until mariadb-admin --socket=/run/mysqld/init.sock ping --silent 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 60 ]; then echo "error: the server did not start" >&2; exit 1; fi
    sleep 1
  done
  sql() { mariadb --socket=/run/mysqld/init.sock -uroot "$@"; }
  quote() { printf '%s' "$1" | sed "s/'/''/g"; }
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(quote "$MYSQL_ROOT_PASSWORD")';"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$(quote "$MYSQL_ROOT_PASSWORD")';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$MYSQL_DATABASE" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
    fi
    if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
      echo "CREATE USER '$(quote "$MYSQL_USER")'@'%' IDENTIFIED BY '$(quote "$MYSQL_PASSWORD")';"
      if [ -n "$MYSQL_DATABASE" ]; then
        echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO '$(quote "$MYSQL_USER")'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | sql
  kill "$pid"
  wait "$pid" || true
  echo "MySQL init process complete; ready for start up."
fi
if [ "$1" = mysqld ]; then
  shift
  exec mariadbd --user=mysql --datadir=/var/lib/mysql --bind-address=0.0.0.0 \
    --skip-name-resolve "$@"
fi
exec "$@"
