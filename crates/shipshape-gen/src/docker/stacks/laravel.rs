//! PHP: Laravel on FrankenPHP.

use super::*;

pub(super) fn laravel(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("php", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("PHP", &img, &mut warnings);
    let mut manifests = vec!["composer.json".to_string()];
    if has(inv, root, "composer.lock") {
        manifests.push("composer.lock".to_string());
    }
    // PHP extensions the database drivers need (the image has the common ones built in).
    let mut extensions: Vec<&str> = Vec::new();
    for b in &service.backing_services {
        match b.value {
            shipshape_detect::BackingKind::Postgres => extensions.push("pdo_pgsql"),
            shipshape_detect::BackingKind::Mysql => extensions.push("pdo_mysql"),
            _ => {}
        }
    }
    extensions.sort_unstable();
    extensions.dedup();
    let port = port_of(service, 8080, &mut warnings);
    let port_value = port.unwrap_or(8080);
    if detected(&service.start_command) == Some("php-fpm") {
        warnings.push(format!(
            "the image serves HTTP itself with FrankenPHP on port {port_value} instead of php-fpm's \
             FastCGI: no separate web server is needed in front of it"
        ));
    }
    // Laravel 11 answers /up only where bootstrap/app.php turns it on; detection reads that
    // (never a commented-out line), so no route is assumed here.
    let health_path = health_route(service, Some(port_value), &mut warnings);
    let check = vec![
        "php".to_string(),
        "-r".to_string(),
        match &health_path {
            Some(path) => format!(
                "exit(@file_get_contents('{}') === false ? 1 : 0);",
                health_url(port_value, path)
            ),
            None => format!("exit(@fsockopen('127.0.0.1', {port_value}) ? 0 : 1);"),
        },
    ];
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: vec![
            "composer install --no-dev --no-scripts --no-autoloader --prefer-dist --no-interaction"
                .to_string(),
        ],
        build: vec![
            "composer dump-autoload --no-dev --optimize --classmap-authoritative --no-interaction"
                .to_string(),
        ],
        copies: Vec::new(),
        env: env(&[
            ("SERVER_NAME", format!(":{port_value}")),
            ("APP_ENV", "production".to_string()),
            ("LOG_CHANNEL", "stderr".to_string()),
        ]),
        start: vec![
            "frankenphp".to_string(),
            "run".to_string(),
            "--config".to_string(),
            "/etc/frankenphp/Caddyfile".to_string(),
        ],
        port: Some(port_value),
        health_path,
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "laravel",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "extensions": extensions,
            "health": health_model(Some(check), "20s", ""),
            "title": format!("{} (Laravel on FrankenPHP)", runtime_label("PHP", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: "Laravel served by FrankenPHP, composer install --no-dev".to_string(),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}
