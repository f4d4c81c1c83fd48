//! Facts of the Python, Ruby and PHP fixture apps: the detected stack, production commands,
//! ports, health routes, backing services and env var names, each with evidence.

mod common;

use common::{assert_evidence_present, facts_of};
use shipshape_detect::{
    BackingKind, Facts, Framework, Language, PackageManager, Service, ServiceRole,
};

fn only_service(facts: &Facts) -> &Service {
    assert_eq!(
        facts.services.len(),
        1,
        "expected one service: {:#?}",
        facts.services
    );
    &facts.services[0]
}

fn value<T: Clone>(l: &Option<shipshape_core::Located<T>>) -> Option<T> {
    l.as_ref().map(|l| l.value.clone())
}

fn backing(s: &Service) -> Vec<BackingKind> {
    let mut v: Vec<BackingKind> = s.backing_services.iter().map(|b| b.value).collect();
    v.sort();
    v
}

fn env_names(s: &Service) -> Vec<&str> {
    s.env_vars.iter().map(|v| v.value.as_str()).collect()
}

/// The first evidence line of a located value, as `path:line`.
fn at<T>(l: &Option<shipshape_core::Located<T>>) -> String {
    let ev = &l.as_ref().expect("value present").evidence[0];
    format!(
        "{}:{}",
        ev.path,
        ev.line.map(|n| n.to_string()).unwrap_or_default()
    )
}

#[test]
fn detects_fastapi_service_managed_by_uv() {
    let facts = facts_of("python-fastapi-uv");
    insta::assert_yaml_snapshot!("python-fastapi-uv", facts);
    assert_evidence_present("python-fastapi-uv", &facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "orders-api");
    assert_eq!(s.root, ".");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Python);
    assert_eq!(value(&s.framework), Some(Framework::Fastapi));
    assert_eq!(at(&s.framework), "pyproject.toml:7");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Uv));
    assert_eq!(at(&s.package_manager), "uv.lock:");
    assert_eq!(value(&s.runtime_version).as_deref(), Some(">=3.12"));
    assert_eq!(at(&s.runtime_version), "pyproject.toml:5");
    assert_eq!(
        s.build_command, None,
        "installing dependencies is not a build"
    );
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("uvicorn app.main:app --host 0.0.0.0 --port 8000")
    );
    assert_eq!(at(&s.start_command), "app/main.py:7");
    assert_eq!(value(&s.port), Some(8000));
    assert_eq!(
        s.port.as_ref().map(|p| p.evidence[0].note.as_str()),
        Some("FastAPI default (uvicorn)")
    );
    assert_eq!(value(&s.health_path).as_deref(), Some("/healthz"));
    assert_eq!(at(&s.health_path), "app/main.py:18");
    assert_eq!(backing(s), [BackingKind::Postgres, BackingKind::Redis]);
    assert_eq!(env_names(s), ["DATABASE_URL", "REDIS_URL"]);
    assert!(facts.ambiguities.is_empty(), "{:#?}", facts.ambiguities);
}

#[test]
fn detects_django_project_with_gunicorn_collectstatic_and_celery() {
    let facts = facts_of("python-django-poetry");
    insta::assert_yaml_snapshot!("python-django-poetry", facts);
    assert_evidence_present("python-django-poetry", &facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "bookshelf");
    assert_eq!(s.role, ServiceRole::Web);
    assert_eq!(value(&s.framework), Some(Framework::Django));
    assert_eq!(at(&s.framework), "pyproject.toml:9");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Poetry));
    assert_eq!(value(&s.runtime_version).as_deref(), Some("^3.12"));
    assert_eq!(at(&s.runtime_version), "pyproject.toml:8");
    assert_eq!(
        value(&s.build_command).as_deref(),
        Some("python manage.py collectstatic --noinput")
    );
    assert_eq!(at(&s.build_command), "bookshelf/settings.py:68");
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("gunicorn bookshelf.wsgi:application --bind 0.0.0.0:8000")
    );
    assert_eq!(at(&s.start_command), "manage.py:8");
    assert_eq!(value(&s.port), Some(8000));
    // Django routes carry no leading slash: `path("health/", …)` serves `/health/`.
    assert_eq!(value(&s.health_path).as_deref(), Some("/health/"));
    assert_eq!(at(&s.health_path), "bookshelf/urls.py:8");
    assert_eq!(
        backing(s),
        [
            BackingKind::Postgres,
            BackingKind::Redis,
            BackingKind::CeleryWorker
        ]
    );
    assert_eq!(
        env_names(s),
        [
            "ALLOWED_HOSTS",
            "CELERY_BROKER_URL",
            "DATABASE_URL",
            "DB_SSLMODE",
            "DJANGO_DEBUG",
            "SECRET_KEY"
        ]
    );
}

#[test]
fn takes_flask_start_command_and_port_from_procfile() {
    let facts = facts_of("python-flask-pip");
    insta::assert_yaml_snapshot!("python-flask-pip", facts);
    assert_evidence_present("python-flask-pip", &facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "python-flask-pip");
    assert_eq!(value(&s.framework), Some(Framework::Flask));
    assert_eq!(at(&s.framework), "requirements.txt:2");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Pip));
    assert_eq!(value(&s.runtime_version).as_deref(), Some("3.11.9"));
    assert_eq!(at(&s.runtime_version), ".python-version:1");
    assert_eq!(s.build_command, None);
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("gunicorn app:app --bind 0.0.0.0:5000 --workers 3")
    );
    assert_eq!(at(&s.start_command), "Procfile:1");
    assert_eq!(value(&s.port), Some(5000));
    assert_eq!(at(&s.port), "Procfile:1");
    assert_eq!(value(&s.health_path).as_deref(), Some("/health"));
    // PyMySQL comes from `-r requirements-db.txt`; pytest from the dev file is not read.
    assert_eq!(backing(s), [BackingKind::Mysql]);
    assert_eq!(
        s.backing_services[0].evidence[0].path,
        "requirements-db.txt"
    );
    assert_eq!(env_names(s), ["DATABASE_URL", "SECRET_KEY"]);
}

#[test]
fn detects_pipenv_fastapi_with_explicit_port_in_code() {
    let facts = facts_of("python-pipenv");
    insta::assert_yaml_snapshot!("python-pipenv", facts);
    assert_evidence_present("python-pipenv", &facts);
    let s = only_service(&facts);
    assert_eq!(value(&s.framework), Some(Framework::Fastapi));
    assert_eq!(at(&s.framework), "Pipfile:7");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Pipenv));
    assert_eq!(at(&s.package_manager), "Pipfile.lock:");
    assert_eq!(value(&s.runtime_version).as_deref(), Some("3.11"));
    assert_eq!(at(&s.runtime_version), "Pipfile:15");
    assert_eq!(value(&s.port), Some(8080));
    assert_eq!(at(&s.port), "main.py:24");
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("uvicorn main:app --host 0.0.0.0 --port 8080")
    );
    assert_eq!(value(&s.health_path).as_deref(), Some("/health"));
    assert_eq!(backing(s), [BackingKind::Mongodb]);
    assert_eq!(env_names(s), ["MONGO_DB", "MONGO_URL"]);
}

#[test]
fn detects_rails_app_served_by_puma_with_sidekiq() {
    let facts = facts_of("ruby-rails");
    insta::assert_yaml_snapshot!("ruby-rails", facts);
    assert_evidence_present("ruby-rails", &facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "ruby-rails");
    assert_eq!(s.role, ServiceRole::Web);
    assert_eq!(s.language.value, Language::Ruby);
    assert_eq!(value(&s.framework), Some(Framework::Rails));
    assert_eq!(at(&s.framework), "Gemfile:5");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Bundler));
    assert_eq!(at(&s.package_manager), "Gemfile.lock:");
    assert_eq!(value(&s.runtime_version).as_deref(), Some("3.3.0"));
    assert_eq!(at(&s.runtime_version), ".ruby-version:1");
    assert_eq!(
        value(&s.build_command).as_deref(),
        Some("bundle exec rails assets:precompile")
    );
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("bundle exec puma -C config/puma.rb")
    );
    assert_eq!(value(&s.port), Some(3000));
    assert_eq!(at(&s.port), "config/puma.rb:4");
    assert_eq!(value(&s.health_path).as_deref(), Some("/up"));
    assert_eq!(at(&s.health_path), "config/routes.rb:2");
    assert_eq!(
        backing(s),
        [
            BackingKind::Postgres,
            BackingKind::Redis,
            BackingKind::SidekiqWorker
        ]
    );
    assert_eq!(
        env_names(s),
        [
            "DATABASE_URL",
            "MAIL_FROM",
            "PORT",
            "RAILS_ENV",
            "RAILS_MAX_THREADS",
            "REDIS_URL"
        ]
    );
}

#[test]
fn detects_laravel_app_served_by_php_fpm() {
    let facts = facts_of("php-laravel");
    insta::assert_yaml_snapshot!("php-laravel", facts);
    assert_evidence_present("php-laravel", &facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "storefront");
    assert_eq!(s.role, ServiceRole::Web);
    assert_eq!(s.language.value, Language::Php);
    assert_eq!(value(&s.framework), Some(Framework::Laravel));
    assert_eq!(at(&s.framework), "composer.json:8");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Composer));
    assert_eq!(value(&s.runtime_version).as_deref(), Some("^8.2"));
    assert_eq!(at(&s.runtime_version), "composer.json:7");
    assert_eq!(
        value(&s.build_command).as_deref(),
        Some("composer install --no-dev --optimize-autoloader")
    );
    // `php artisan serve` is a development server; production runs PHP-FPM behind nginx.
    assert_eq!(value(&s.start_command).as_deref(), Some("php-fpm"));
    assert_eq!(value(&s.port), Some(9000));
    assert_eq!(value(&s.health_path).as_deref(), Some("/up"));
    assert_eq!(at(&s.health_path), "bootstrap/app.php:11");
    assert_eq!(backing(s), [BackingKind::Postgres, BackingKind::Redis]);
    assert!(env_names(s).contains(&"DB_CONNECTION"));
    assert!(env_names(s).contains(&"REDIS_HOST"));
    assert!(env_names(s).contains(&"APP_KEY"));
}

#[test]
fn a_django_starter_on_sqlite_has_no_database_server_for_its_unused_driver() {
    // settings.py names SQLite; the PostgreSQL block is commented out and nothing reads a
    // database URL, so psycopg in requirements.txt is for later, not a service to start.
    let facts = facts_of("defect-django-sqlite-settings");
    let s = only_service(&facts);
    assert_eq!(value(&s.framework), Some(Framework::Django));
    assert!(backing(s).is_empty(), "{:?}", backing(s));
    assert!(facts.backing_services.is_empty());
    // A settings file that takes its database from the environment keeps the driver's server.
    let env_based = facts_of("python-django-poetry");
    assert!(backing(only_service(&env_based)).contains(&BackingKind::Postgres));
}
