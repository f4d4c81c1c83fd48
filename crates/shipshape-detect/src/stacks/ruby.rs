//! Detection of Ruby services (Rails, Sinatra): the gems the Gemfile declares for production,
//! the Ruby version the project pins, and how the app is built and served in production.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{BackingKind, Framework, Language, PackageManager, Service, ServiceRole};
use crate::stacks::shared::{self, Backing, Candidate};
use crate::stacks::Found;

/// A gem the Gemfile declares outside the development and test groups.
#[derive(Debug, Clone)]
struct Gem {
    name: String,
    ev: Evidence,
}

/// Detect a Ruby service in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let gemfile = Ctx::join(dir, "Gemfile");
    let text = ctx.text(&gemfile)?;
    let name = shared::folder_name(ctx, dir);
    let gems = production_gems(&gemfile, &text);
    let gem = |n: &str| gems.iter().find(|g| g.name == n);

    let mut svc = Service::new(
        name.clone(),
        dir,
        Located::new(
            Language::Ruby,
            Evidence::file(&gemfile, "Gemfile (Ruby project)"),
        ),
    );
    let lock = Ctx::join(dir, "Gemfile.lock");
    svc.package_manager = Some(if ctx.exists(&lock) {
        Located::new(
            PackageManager::Bundler,
            Evidence::file(&lock, "Gemfile.lock"),
        )
    } else {
        Located::new(
            PackageManager::Bundler,
            Evidence::file(&gemfile, "Gemfile (no lockfile yet)"),
        )
    });
    svc.runtime_version = runtime_version(ctx, dir, &name, &gemfile, &text);

    let framework = if let Some(g) = gem("rails").or_else(|| gem("railties")) {
        Some(Located::new(Framework::Rails, g.ev.clone()))
    } else {
        gem("sinatra").map(|g| Located::new(Framework::Sinatra, g.ev.clone()))
    };
    let backing = backing_services(ctx, dir, &gems);
    let has_worker = backing.0.iter().any(|b| b.value.is_worker());
    let procfile = shared::procfile_web(ctx, dir);
    if framework.is_none() && procfile.is_none() && !has_worker {
        let gemspec = ctx
            .service_files(dir)
            .any(|f| shared::same_dir(f.dir(), dir) && f.name().ends_with(".gemspec"));
        if gemspec || dir != "." {
            // A gem, or a folder of shared code: nothing of its own to run.
            return Some(Found::Library { name });
        }
    }

    let puma_rb = Ctx::join(dir, "config/puma.rb");
    let puma_cfg = ctx.text(&puma_rb).map(|t| (puma_rb.clone(), t));
    let mut explicit: Vec<Located<u16>> = puma_cfg
        .as_ref()
        .and_then(|(p, t)| puma_port(p, t))
        .into_iter()
        .collect();
    explicit.extend(ctx.port_hints(dir));

    match framework.as_ref().map(|f| f.value) {
        Some(Framework::Rails) => {
            svc.role = ServiceRole::Web;
            let fw_ev = framework.as_ref().map(|f| f.evidence[0].clone());
            let default = fw_ev.clone().map(|mut ev| {
                ev.note = "Rails default (puma)".to_string();
                Located::new(3000, ev)
            });
            svc.port = ctx.choose_port(&name, default, explicit);
            svc.build_command = assets_build(ctx, dir, &gems);
            svc.start_command = procfile.or_else(|| {
                Some(match &puma_cfg {
                    Some((p, _)) => Located::new(
                        "bundle exec puma -C config/puma.rb".to_string(),
                        Evidence::file(p, "config/puma.rb (puma configuration)"),
                    ),
                    None => {
                        let mut ev = fw_ev?;
                        ev.note = format!(
                            "{} (no config/puma.rb: Rails server in production)",
                            ev.note
                        );
                        Located::new(
                            "bundle exec rails server -b 0.0.0.0 -e production".to_string(),
                            ev,
                        )
                    }
                })
            });
        }
        Some(Framework::Sinatra) => {
            let fw_ev = framework.as_ref().map(|f| f.evidence[0].clone());
            let config_ru = Ctx::join(dir, "config.ru");
            let has_ru = ctx.exists(&config_ru);
            let main = if has_ru { None } else { sinatra_main(ctx, dir) };
            let default = fw_ev.clone().map(|mut ev| {
                ev.note = if has_ru {
                    "Sinatra default via Rack (9292)".to_string()
                } else {
                    "Sinatra default (4567)".to_string()
                };
                Located::new(if has_ru { 9292 } else { 4567 }, ev)
            });
            svc.port = ctx.choose_port(&name, default, explicit);
            let port = svc.port.as_ref().map(|p| p.value).unwrap_or(9292);
            svc.start_command = procfile.or_else(|| {
                if has_ru {
                    let ev = Evidence::file(&config_ru, "config.ru (Rack app)");
                    let cmd = match (&puma_cfg, gem("puma")) {
                        (Some(_), _) => "bundle exec puma -C config/puma.rb config.ru".to_string(),
                        (None, Some(_)) => {
                            format!("bundle exec puma -b tcp://0.0.0.0:{port} config.ru")
                        }
                        (None, None) => {
                            format!("bundle exec rackup config.ru -o 0.0.0.0 -p {port}")
                        }
                    };
                    Some(Located::new(cmd, ev))
                } else {
                    let (file, ev) = main?;
                    Some(Located::new(
                        format!("bundle exec ruby {file} -o 0.0.0.0 -p {port}"),
                        ev,
                    ))
                }
            });
        }
        _ => {
            if has_worker {
                svc.role = ServiceRole::Worker;
            }
            svc.port = ctx.choose_port(&name, None, ctx.port_hints(dir));
            svc.start_command = procfile;
        }
    }
    svc.health_path = rails_health(ctx, dir).or_else(|| ctx.health_path(dir, Language::Ruby));
    svc.framework = framework;
    svc.backing_services = backing.0;
    svc.env_vars = ctx.env_vars(dir, Language::Ruby);
    Some(Found::Service(Box::new(svc)))
}

static GEM_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*gem\s+["']([\w.-]+)["']"#).expect("built-in pattern"));
static GROUP_OPEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*group\s+(.*?)\s+do\s*$").expect("built-in pattern"));
static BLOCK_OPEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bdo\s*(?:\|[^|]*\|)?\s*$").expect("built-in pattern"));
static BLOCK_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*end\b").expect("built-in pattern"));
static INLINE_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bgroups?:\s*(\[[^\]]*\]|:\w+|%i\[[^\]]*\])").expect("built-in pattern")
});

/// Whether a list of group names (`:development, :test`) names only non-production groups.
fn dev_only(groups: &str) -> bool {
    let names: Vec<&str> = groups
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && *w != "i")
        .collect();
    !names.is_empty() && names.iter().all(|n| matches!(*n, "development" | "test"))
}

/// Gems outside `group :development, :test do … end` blocks and without `group: :test`.
fn production_gems(path: &str, text: &str) -> Vec<Gem> {
    let mut stack: Vec<bool> = Vec::new();
    let mut gems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        if let Some(c) = GROUP_OPEN.captures(code) {
            stack.push(c.get(1).is_some_and(|g| dev_only(g.as_str())));
            continue;
        }
        if BLOCK_END.is_match(code) {
            stack.pop();
            continue;
        }
        if let Some(c) = GEM_LINE.captures(code) {
            let inline_dev = INLINE_GROUP
                .captures(code)
                .and_then(|g| g.get(1))
                .is_some_and(|g| dev_only(g.as_str()));
            if !inline_dev && !stack.iter().any(|d| *d) {
                if let Some(name) = c.get(1) {
                    let ev = Evidence::new(
                        path,
                        u32::try_from(i + 1).ok(),
                        format!("Gemfile > {}", name.as_str()),
                    );
                    gems.push(Gem {
                        name: name.as_str().to_string(),
                        ev,
                    });
                }
            }
            if BLOCK_OPEN.is_match(code) {
                stack.push(false);
            }
            continue;
        }
        if BLOCK_OPEN.is_match(code) {
            stack.push(false);
        }
    }
    gems
}

static GEMFILE_RUBY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*ruby\s+(["'][^\n]*)$"#).expect("built-in pattern"));

fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    service: &str,
    gemfile: &str,
    text: &str,
) -> Option<Located<String>> {
    let mut c: Vec<Candidate> = Vec::new();
    if let Some(p) = shared::find_upwards(ctx, dir, ".ruby-version") {
        if let Some(t) = ctx.text(&p) {
            if let Some((i, l)) = t.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) {
                c.extend(Candidate::exact(
                    l.trim(),
                    Evidence::new(&p, u32::try_from(i + 1).ok(), ".ruby-version"),
                ));
            }
        }
    }
    if let Some(m) = GEMFILE_RUBY.captures(text).and_then(|c| c.get(1)) {
        // `ruby "3.3.0"` pins; `ruby "~> 3.3"` or several arguments constrain.
        let args: Vec<&str> = m
            .as_str()
            .split(',')
            .map(|a| a.trim().trim_matches(['"', '\'']))
            .filter(|a| a.starts_with(|ch: char| ch.is_ascii_digit() || "~<>=!".contains(ch)))
            .collect();
        let ev = Evidence::at_offset(gemfile, text, m.start(), "Gemfile > ruby");
        match args.as_slice() {
            [one] if one.starts_with(|ch: char| ch.is_ascii_digit()) => {
                c.extend(Candidate::exact(one, ev))
            }
            [] => {}
            many => c.extend(Candidate::constraint(&many.join(","), ev)),
        }
    }
    c.extend(shared::tool_version(ctx, dir, "ruby"));
    shared::choose_runtime(ctx, service, "Ruby", c)
}

static PUMA_PORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*(?:port\s+(?:ENV\.fetch\(\s*["']PORT["']\s*(?:,\s*["']?(\d{2,5})["']?\s*\)|\)\s*\{\s*["']?(\d{2,5})["']?\s*\})|(\d{2,5}))|bind\s+["']tcp://[^"':]*:(\d{2,5})["'])"#,
    )
    .expect("built-in pattern")
});

/// The port `config/puma.rb` listens on (`port ENV.fetch("PORT", 3000)`).
fn puma_port(path: &str, text: &str) -> Option<Located<u16>> {
    let c = PUMA_PORT.captures(text)?;
    let m = (1..=4).find_map(|i| c.get(i))?;
    let port: u16 = m.as_str().parse().ok()?;
    Some(Located::new(
        port,
        Evidence::at_offset(path, text, m.start(), "config/puma.rb > port"),
    ))
}

/// Rails compiles assets for production when it has an asset pipeline or a JS/CSS bundler.
fn assets_build(ctx: &Ctx, dir: &str, gems: &[Gem]) -> Option<Located<String>> {
    let mut ev: Vec<Evidence> = gems
        .iter()
        .filter(|g| {
            matches!(
                g.name.as_str(),
                "importmap-rails"
                    | "jsbundling-rails"
                    | "cssbundling-rails"
                    | "tailwindcss-rails"
                    | "dartsass-rails"
                    | "propshaft"
                    | "sprockets-rails"
            )
        })
        .map(|g| g.ev.clone())
        .collect();
    let importmap = Ctx::join(dir, "config/importmap.rb");
    if ctx.exists(&importmap) {
        ev.push(Evidence::file(&importmap, "config/importmap.rb"));
    }
    let assets_prefix = format!("{}/", Ctx::join(dir, "app/assets"));
    if let Some(f) = ctx
        .service_files(dir)
        .find(|f| f.path.starts_with(&assets_prefix))
    {
        ev.push(Evidence::file(&f.path, "app/assets (asset pipeline)"));
    }
    if ev.is_empty() {
        return None;
    }
    Some(Located {
        value: "bundle exec rails assets:precompile".to_string(),
        evidence: ev,
    })
}

static RAILS_HEALTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*get\s+["']/?(up|healthz|health|livez|readyz|ready|ping)["']\s*(?:=>|,\s*to:)"#,
    )
    .expect("built-in pattern")
});

/// Rails routes name paths without a leading slash (`get "up" => "rails/health#show"`).
fn rails_health(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let path = Ctx::join(dir, "config/routes.rb");
    let text = ctx.text(&path)?;
    let m = RAILS_HEALTH.captures(&text)?.get(1)?;
    Some(Located::new(
        format!("/{}", m.as_str()),
        Evidence::at_offset(&path, &text, m.start(), "config/routes.rb > health route"),
    ))
}

static REQUIRE_SINATRA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*require\s+["']sinatra(?:/base)?["']"#).expect("built-in pattern")
});

/// The file of a classic Sinatra app (run with `ruby app.rb`), relative to the service folder.
fn sinatra_main(ctx: &Ctx, dir: &str) -> Option<(String, Evidence)> {
    ctx.source_texts(dir, &["rb"])
        .into_iter()
        .find_map(|(f, text)| {
            let m = REQUIRE_SINATRA.find(&text)?;
            let rel = f
                .path
                .strip_prefix(&format!("{dir}/"))
                .unwrap_or(&f.path)
                .to_string();
            Some((
                rel,
                Evidence::at_offset(&f.path, &text, m.start(), "requires sinatra"),
            ))
        })
}

static DB_ADAPTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*adapter:\s*(postgresql|postgis|mysql2|trilogy)\b")
        .expect("built-in pattern")
});

fn backing_services(ctx: &Ctx, dir: &str, gems: &[Gem]) -> Backing {
    const MAP: &[(&str, &[BackingKind])] = &[
        ("pg", &[BackingKind::Postgres]),
        ("mysql2", &[BackingKind::Mysql]),
        ("trilogy", &[BackingKind::Mysql]),
        ("redis", &[BackingKind::Redis]),
        ("sidekiq", &[BackingKind::SidekiqWorker, BackingKind::Redis]),
        ("resque", &[BackingKind::QueueWorker, BackingKind::Redis]),
        ("good_job", &[BackingKind::QueueWorker]),
        ("solid_queue", &[BackingKind::QueueWorker]),
        ("delayed_job_active_record", &[BackingKind::QueueWorker]),
        ("mongoid", &[BackingKind::Mongodb]),
        ("mongo", &[BackingKind::Mongodb]),
        ("aws-sdk-s3", &[BackingKind::S3]),
        ("bunny", &[BackingKind::Rabbitmq]),
        ("sneakers", &[BackingKind::Rabbitmq]),
        ("ruby-kafka", &[BackingKind::Kafka]),
        ("rdkafka", &[BackingKind::Kafka]),
        ("karafka", &[BackingKind::Kafka]),
        ("dalli", &[BackingKind::Memcached]),
        ("elasticsearch", &[BackingKind::Elasticsearch]),
        ("searchkick", &[BackingKind::Elasticsearch]),
    ];
    let mut b = Backing::default();
    for g in gems {
        if let Some((_, kinds)) = MAP.iter().find(|(n, _)| *n == g.name) {
            for k in *kinds {
                b.add(*k, g.ev.clone());
            }
        }
    }
    let db_yml = Ctx::join(dir, "config/database.yml");
    if let Some(text) = ctx.text(&db_yml) {
        for c in DB_ADAPTER.captures_iter(&text) {
            let Some(m) = c.get(1) else { continue };
            let kind = if m.as_str().starts_with("postg") {
                BackingKind::Postgres
            } else {
                BackingKind::Mysql
            };
            b.add(
                kind,
                Evidence::at_offset(&db_yml, &text, m.start(), "config/database.yml > adapter"),
            );
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_out_development_and_test_gems() {
        let text = "source \"https://rubygems.org\"\ngem \"rails\", \"~> 7.1\"\ngroup :development, :test do\n  gem \"debug\", platforms: %i[ mri windows ]\nend\ngem \"rspec-rails\", group: :test\ngem \"pg\"\ngroup :production do\n  gem \"lograge\"\nend\n";
        let names: Vec<String> = production_gems("Gemfile", text)
            .into_iter()
            .map(|g| g.name)
            .collect();
        assert_eq!(names, ["rails", "pg", "lograge"]);
        let gems = production_gems("Gemfile", text);
        assert_eq!(gems[1].ev.line, Some(7));
    }

    #[test]
    fn reads_puma_port_in_both_fetch_styles() {
        let a = "port ENV.fetch(\"PORT\", 3000)\n";
        let b = "threads 5, 5\nport ENV.fetch(\"PORT\") { 4000 }\n";
        assert_eq!(puma_port("p", a).map(|l| l.value), Some(3000));
        let pb = puma_port("p", b).unwrap();
        assert_eq!((pb.value, pb.evidence[0].line), (4000, Some(2)));
    }

    #[test]
    fn rails_health_route_has_no_leading_slash() {
        let routes = "Rails.application.routes.draw do\n  get \"up\" => \"rails/health#show\", as: :rails_health_check\nend\n";
        let m = RAILS_HEALTH.captures(routes).unwrap();
        assert_eq!(&m[1], "up");
    }

    use crate::stacks::python::tests::facts_in;

    #[test]
    fn sinatra_with_config_ru_is_served_by_puma() {
        let facts = facts_in(&[
            ("Gemfile", "source \"https://rubygems.org\"\ngem \"sinatra\"\ngem \"puma\"\ngem \"mongoid\"\n"),
            ("config.ru", "require_relative \"app\"\nrun App\n"),
            ("app.rb", "require \"sinatra/base\"\nclass App < Sinatra::Base\n  get \"/health\" do\n    ENV[\"MONGODB_URI\"] ? \"ok\" : \"no db\"\n  end\nend\n"),
            (".tool-versions", "nodejs 20.11.0\nruby 3.2.2\n"),
        ]);
        let s = &facts.services[0];
        assert_eq!(
            s.framework.as_ref().map(|f| f.value),
            Some(Framework::Sinatra)
        );
        assert_eq!(
            s.runtime_version.as_ref().map(|v| v.value.as_str()),
            Some("3.2.2")
        );
        assert_eq!(
            s.runtime_version.as_ref().map(|v| v.evidence[0].line),
            Some(Some(2))
        );
        assert_eq!(
            s.start_command.as_ref().map(|c| c.value.as_str()),
            Some("bundle exec puma -b tcp://0.0.0.0:9292 config.ru")
        );
        assert_eq!(
            s.package_manager
                .as_ref()
                .map(|p| p.evidence[0].path.as_str()),
            Some("Gemfile")
        );
        assert_eq!(
            s.health_path.as_ref().map(|h| h.value.as_str()),
            Some("/health")
        );
        assert_eq!(
            s.backing_services
                .iter()
                .map(|b| b.value)
                .collect::<Vec<_>>(),
            [BackingKind::Mongodb]
        );
        assert_eq!(
            s.env_vars
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>(),
            ["MONGODB_URI"]
        );
    }

    #[test]
    fn rails_without_puma_config_runs_the_production_server() {
        let facts = facts_in(&[
            (
                "Gemfile",
                "source \"https://rubygems.org\"\ngem \"rails\", \"~> 7.1\"\ngem \"mysql2\"\n",
            ),
            ("Gemfile.lock", "GEM\n  specs:\n    rails (7.1.3)\n"),
        ]);
        let s = &facts.services[0];
        assert_eq!(
            s.start_command.as_ref().map(|c| c.value.as_str()),
            Some("bundle exec rails server -b 0.0.0.0 -e production")
        );
        assert_eq!(
            s.port
                .as_ref()
                .map(|p| (p.value, p.evidence[0].note.as_str())),
            Some((3000, "Rails default (puma)"))
        );
        assert_eq!(s.build_command, None, "no asset pipeline");
        assert_eq!(
            s.backing_services
                .iter()
                .map(|b| b.value)
                .collect::<Vec<_>>(),
            [BackingKind::Mysql]
        );
    }
}
