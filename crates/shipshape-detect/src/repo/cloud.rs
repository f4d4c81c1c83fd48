//! Where the repository deploys: clouds and hosting platforms, from Terraform providers,
//! platform config files (fly.toml, vercel.json, render.yaml, app.yaml, …), Serverless/SAM/
//! CloudFormation templates, ECS task definitions, the cloud actions and CLIs CI uses, and
//! cloud-specific Kubernetes annotations. Signals that also name an orchestrator or an IaC tool
//! (a `serverless.yml` is all three) record those too.

use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, LineIndex};

use super::orchestrator::Manifest;
use super::terraform::TfFile;
use super::{find_line, is_comment, Infra};
use crate::ctx::{json_key_line, Ctx};
use crate::model::{CloudProvider, IacTool, Orchestrator};

use CloudProvider as C;

/// Terraform provider local names (and registry source names) → cloud.
pub(crate) const TF_PROVIDERS: &[(&str, CloudProvider)] = &[
    ("aws", C::Aws),
    ("google", C::Gcp),
    ("google-beta", C::Gcp),
    ("azurerm", C::Azure),
    ("digitalocean", C::Digitalocean),
    ("cloudflare", C::Cloudflare),
    ("hcloud", C::Hetzner),
    ("linode", C::Linode),
    ("fly", C::Fly),
    ("vercel", C::Vercel),
    ("netlify", C::Netlify),
    ("railway", C::Railway),
    ("render", C::Render),
    ("heroku", C::Heroku),
];

pub(crate) fn tf_provider(name: &str) -> Option<CloudProvider> {
    TF_PROVIDERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// Hosting platforms recognised by a config file of their own: (file name, platform, what the
/// evidence line is — the first line starting with this, or the whole file when empty, what the
/// file is).
const PLATFORM_FILES: &[(&str, CloudProvider, &str, &str)] = &[
    ("fly.toml", C::Fly, "app", "Fly.io app config"),
    ("vercel.json", C::Vercel, "", "Vercel project config"),
    ("netlify.toml", C::Netlify, "[build]", "Netlify config"),
    ("railway.json", C::Railway, "", "Railway config"),
    ("railway.toml", C::Railway, "[deploy]", "Railway config"),
    ("render.yaml", C::Render, "services:", "Render blueprint"),
    ("render.yml", C::Render, "services:", "Render blueprint"),
    (
        "heroku.yml",
        C::Heroku,
        "build:",
        "Heroku container build manifest",
    ),
];

/// Serverless Framework `provider.name` values → cloud.
const SERVERLESS_PROVIDERS: &[(&str, CloudProvider)] = &[
    ("aws", C::Aws),
    ("google", C::Gcp),
    ("azure", C::Azure),
    ("cloudflare", C::Cloudflare),
];

/// GitHub Actions (by `owner/` or `owner/name` prefix, case-insensitive) that act on a cloud.
const CLOUD_ACTIONS: &[(&str, CloudProvider)] = &[
    ("aws-actions/", C::Aws),
    ("google-github-actions/", C::Gcp),
    ("azure/", C::Azure),
    ("digitalocean/action-doctl", C::Digitalocean),
    ("superfly/flyctl-actions", C::Fly),
    ("cloudflare/wrangler-action", C::Cloudflare),
    ("amondnet/vercel-action", C::Vercel),
    ("nwtgck/actions-netlify", C::Netlify),
    ("akhileshns/heroku-deploy", C::Heroku),
];

/// The GitHub Action that deploys an ECS task definition.
const ECS_DEPLOY_ACTION: &str = "aws-actions/amazon-ecs-deploy-task-definition";

/// Cloud CLIs and images in CI scripts: (pattern, cloud, what it is).
const CI_COMMANDS: &[(&str, CloudProvider, &str)] = &[
    (
        r"\bgcloud\s+(?:run|app|functions|container|builds|auth|deploy|compute|artifacts)\b",
        C::Gcp,
        "gcloud command",
    ),
    (
        r"\bgoogle/cloud-sdk\b|cloudsdktool",
        C::Gcp,
        "Cloud SDK image",
    ),
    (
        r"\baws\s+(?:ecs|ecr|s3|eks|cloudformation|lambda|deploy|sts|ssm|configure)\b",
        C::Aws,
        "aws CLI command",
    ),
    (r"\bamazon/aws-cli\b", C::Aws, "AWS CLI image"),
    (
        r"\baz\s+(?:login|webapp|aks|acr|containerapp|functionapp|deployment)\b|mcr\.microsoft\.com/azure-cli",
        C::Azure,
        "az CLI command",
    ),
    (r"\bdoctl\s+\w", C::Digitalocean, "doctl command"),
    (
        r"\bflyctl\s+deploy\b|\bfly\s+deploy\b",
        C::Fly,
        "fly deploy",
    ),
    (
        r"\bvercel\s+(?:deploy|--prod|pull|build)\b",
        C::Vercel,
        "vercel CLI",
    ),
    (r"\bnetlify\s+deploy\b", C::Netlify, "netlify deploy"),
    (r"\brailway\s+up\b", C::Railway, "railway up"),
    (
        r"\bgit\s+push\s+(?:-f\s+)?heroku\b|\bheroku\s+container:",
        C::Heroku,
        "heroku deploy",
    ),
    (
        r"\bwrangler\s+(?:deploy|publish|pages)\b",
        C::Cloudflare,
        "wrangler deploy",
    ),
];

static CI_COMMAND_RXS: LazyLock<Vec<(Regex, CloudProvider, &'static str)>> = LazyLock::new(|| {
    CI_COMMANDS
        .iter()
        .filter_map(|(p, c, what)| Regex::new(p).ok().map(|r| (r, *c, *what)))
        .collect()
});

/// Substrings of Kubernetes manifests (annotations, private registries) that only one cloud
/// uses. Public registries (gcr.io/distroless, public.ecr.aws) are used from anywhere and are
/// not listed.
const K8S_MARKERS: &[(&str, CloudProvider, &str)] = &[
    ("eks.amazonaws.com/", C::Aws, "EKS annotation"),
    (
        "service.beta.kubernetes.io/aws-load-balancer",
        C::Aws,
        "AWS load balancer annotation",
    ),
    (
        "alb.ingress.kubernetes.io/",
        C::Aws,
        "AWS ALB ingress annotation",
    ),
    (".dkr.ecr.", C::Aws, "image in a private ECR registry"),
    ("cloud.google.com/", C::Gcp, "GKE annotation"),
    ("iam.gke.io/", C::Gcp, "GKE workload identity annotation"),
    ("networking.gke.io/", C::Gcp, "GKE networking annotation"),
    (
        "azure.workload.identity/",
        C::Azure,
        "Azure workload identity",
    ),
    (
        "service.beta.kubernetes.io/azure-",
        C::Azure,
        "Azure load balancer annotation",
    ),
    (
        ".azurecr.io/",
        C::Azure,
        "image in Azure Container Registry",
    ),
    (
        "service.beta.kubernetes.io/do-loadbalancer",
        C::Digitalocean,
        "DigitalOcean load balancer annotation",
    ),
];

static USES_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*-?\s*uses:\s*["']?([^@\s"']+)"#).expect("built-in pattern"));
static CFN_TYPE_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*"?Type"?\s*:\s*["']?(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"#)
        .expect("built-in pattern")
});

pub(crate) fn detect(
    ctx: &Ctx,
    files: &[&FileEntry],
    tf: &[TfFile],
    k8s: &[Manifest],
    infra: &mut Infra,
) {
    terraform(tf, infra);
    platform_files(ctx, files, infra);
    serverless(ctx, files, infra);
    templates(ctx, files, infra);
    ci(ctx, files, infra);
    kubernetes(ctx, k8s, infra);
}

/// `provider "aws"` blocks first (the clearest statement), then `required_providers` sources,
/// then resource types (a provider block may be implicit).
fn terraform(tf: &[TfFile], infra: &mut Infra) {
    for f in tf {
        for b in f.blocks.iter().filter(|b| b.kind == "provider") {
            if let Some(c) = b.labels.first().and_then(|l| tf_provider(l)) {
                let note = format!("{} > provider \"{}\"", f.path, b.labels[0]);
                infra
                    .cloud
                    .add(c, Evidence::new(&f.path, Some(b.line), note));
            }
        }
    }
    for f in tf {
        for (source, line) in &f.provider_sources {
            let name = source.rsplit('/').next().unwrap_or(source);
            if let Some(c) = tf_provider(name) {
                let note = format!("{} > required_providers source \"{source}\"", f.path);
                infra
                    .cloud
                    .add(c, Evidence::new(&f.path, Some(*line), note));
            }
        }
    }
    for f in tf {
        for b in f
            .blocks
            .iter()
            .filter(|b| b.kind == "resource" || b.kind == "data")
        {
            let Some(ty) = b.labels.first() else { continue };
            let prefix = ty.split('_').next().unwrap_or(ty);
            if let Some(c) = tf_provider(prefix) {
                let note = format!("{} > {} \"{ty}\"", f.path, b.kind);
                infra
                    .cloud
                    .add(c, Evidence::new(&f.path, Some(b.line), note));
            }
        }
    }
}

fn platform_files(ctx: &Ctx, files: &[&FileEntry], infra: &mut Infra) {
    for f in files {
        let name = f.name();
        for (file, cloud, key, what) in PLATFORM_FILES {
            if name != *file {
                continue;
            }
            let line = if key.is_empty() {
                None
            } else {
                ctx.inv
                    .text(f)
                    .and_then(|t| find_line(&t, |l| l.trim_start().starts_with(key)))
            };
            let ev = Evidence::new(&f.path, line, format!("{} ({what})", f.path));
            infra.cloud.add(*cloud, ev.clone());
            // The platform runs the app from this file: that is what `paas` means.
            infra.orchestrators.add(Orchestrator::Paas, ev);
        }
        if f.path == ".vercel/project.json" || f.path.ends_with("/.vercel/project.json") {
            let ev = Evidence::file(&f.path, format!("{} (linked Vercel project)", f.path));
            infra.cloud.add(C::Vercel, ev.clone());
            infra.orchestrators.add(Orchestrator::Paas, ev);
        }
        if name == "app.yaml" && f.kind == ArtifactKind::Yaml {
            app_engine(ctx, f, infra);
        }
        if name == "app.json" {
            heroku_app_json(ctx, f, infra);
        }
    }
    // A Procfile says "process types for a Procfile-based platform", not which one; it joins
    // Heroku's evidence only when Heroku is already named (app.json, heroku.yml).
    if infra.cloud.contains(&C::Heroku) {
        for f in files.iter().filter(|f| f.name() == "Procfile") {
            let ev = Evidence::file(&f.path, format!("{} (Heroku process types)", f.path));
            infra.cloud.add(C::Heroku, ev.clone());
            infra.orchestrators.add(Orchestrator::Paas, ev);
        }
    }
}

/// App Engine's `app.yaml` names a `runtime:` at the top level.
fn app_engine(ctx: &Ctx, f: &FileEntry, infra: &mut Infra) {
    let Some(text) = ctx.inv.text(f) else { return };
    if let Some(line) = find_line(&text, |l| l.starts_with("runtime:")) {
        let ev = Evidence::new(
            &f.path,
            Some(line),
            format!("{} > runtime (App Engine)", f.path),
        );
        infra.cloud.add(C::Gcp, ev.clone());
        infra.orchestrators.add(Orchestrator::Paas, ev);
    }
}

/// Keys only a Heroku `app.json` has. Expo apps also have an `app.json` (with an `expo` key).
const HEROKU_APP_JSON_KEYS: &[&str] =
    &["buildpacks", "formation", "addons", "stack", "environments"];

fn heroku_app_json(ctx: &Ctx, f: &FileEntry, infra: &mut Infra) {
    let Some((text, json)) = ctx.json(&f.path) else {
        return;
    };
    if json.get("expo").is_some() {
        return;
    }
    if let Some(key) = HEROKU_APP_JSON_KEYS
        .iter()
        .find(|k| json.get(**k).is_some())
    {
        let ev = Evidence::new(
            &f.path,
            json_key_line(&text, key),
            format!("{} > {key} (Heroku app manifest)", f.path),
        );
        infra.cloud.add(C::Heroku, ev.clone());
        infra.orchestrators.add(Orchestrator::Paas, ev);
    }
}

/// `serverless.yml`: the framework, functions-as-a-service, and the cloud from `provider`
/// (`provider: aws` or `provider:\n  name: aws`). Read line by line: these files use `${…}`
/// variables and CloudFormation tags a strict YAML read may refuse.
fn serverless(ctx: &Ctx, files: &[&FileEntry], infra: &mut Infra) {
    for f in files
        .iter()
        .filter(|f| matches!(f.name(), "serverless.yml" | "serverless.yaml"))
    {
        let Some(text) = ctx.inv.text(f) else {
            continue;
        };
        let service_line = find_line(&text, |l| l.starts_with("service:"));
        let ev = Evidence::new(
            &f.path,
            service_line,
            format!("{} (Serverless Framework service)", f.path),
        );
        infra.iac.add(IacTool::ServerlessFramework, ev.clone());
        infra.orchestrators.add(Orchestrator::Serverless, ev);
        if let Some((name, line)) = serverless_provider(&text) {
            if let Some((_, c)) = SERVERLESS_PROVIDERS.iter().find(|(n, _)| *n == name) {
                let note = format!("{} > provider.name {name}", f.path);
                infra
                    .cloud
                    .add(*c, Evidence::new(&f.path, Some(line), note));
            }
        }
    }
}

fn serverless_provider(text: &str) -> Option<(String, u32)> {
    let mut in_provider = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).ok()?;
        if let Some(rest) = line.strip_prefix("provider:") {
            let v = rest.trim().trim_matches(['"', '\'']);
            if !v.is_empty() {
                return Some((v.to_string(), line_no));
            }
            in_provider = true;
            continue;
        }
        if in_provider {
            if !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
                return None;
            }
            if let Some(v) = line.trim().strip_prefix("name:") {
                return Some((v.trim().trim_matches(['"', '\'']).to_string(), line_no));
            }
        }
    }
    None
}

/// SAM and CloudFormation templates (YAML or JSON), and ECS task definitions (JSON).
fn templates(ctx: &Ctx, files: &[&FileEntry], infra: &mut Infra) {
    for f in files {
        let name = f.name();
        let json = name.ends_with(".json") || name.ends_with(".template");
        let candidate = match f.kind {
            ArtifactKind::Yaml => true,
            ArtifactKind::Text => json,
            _ => false,
        };
        if !candidate {
            continue;
        }
        // Read by the walk and found to hold no `AWS` (see [`sniffed_text_worth_keeping`]).
        if f.sniffed_unmarked() {
            continue;
        }
        // Large JSON files (data, fixtures) are no templates: passed over, not reported.
        let Some(text) = ctx.inv.text_limited(f, crate::ctx::SOURCE_SCAN_MAX_BYTES) else {
            continue;
        };
        if json && text.contains("\"containerDefinitions\"") {
            ecs_task_definition(ctx, f, infra);
            continue;
        }
        cloudformation(f, &text, infra);
    }
}

fn ecs_task_definition(ctx: &Ctx, f: &FileEntry, infra: &mut Infra) {
    let Some((text, json)) = ctx.json(&f.path) else {
        return;
    };
    let defs = json.get("containerDefinitions").or_else(|| {
        json.get("taskDefinition")
            .and_then(|t| t.get("containerDefinitions"))
    });
    if defs.is_some_and(|d| d.is_array()) {
        let ev = Evidence::new(
            &f.path,
            json_key_line(&text, "containerDefinitions"),
            format!("{} > containerDefinitions (ECS task definition)", f.path),
        );
        infra.cloud.add(C::Aws, ev.clone());
        infra.orchestrators.add(Orchestrator::Ecs, ev);
    }
}

fn cloudformation(f: &FileEntry, text: &str, infra: &mut Infra) {
    // Both signs of a template — the format version and `AWS::` resource types — contain "AWS":
    // one substring search passes over the thousands of YAML files that are no template.
    if memchr::memmem::find(text.as_bytes(), b"AWS").is_none() {
        return;
    }
    let has_resources = text
        .lines()
        .any(|l| l.starts_with("Resources:") || l.contains("\"Resources\""));
    let version_line = find_line(text, |l| l.contains("AWSTemplateFormatVersion"));
    let types: Vec<(String, u32)> = CFN_TYPE_RX
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| {
            (
                m.as_str().to_string(),
                shipshape_core::evidence::line_of_offset(text, m.start()),
            )
        })
        .collect();
    if !(version_line.is_some() || (has_resources && !types.is_empty())) {
        return;
    }
    let sam_line = find_line(text, |l| l.contains("AWS::Serverless-2016-10-31"));
    let (tool, line, what) = match sam_line {
        Some(l) => (
            IacTool::AwsSam,
            Some(l),
            "Transform AWS::Serverless (SAM template)",
        ),
        None => (
            IacTool::Cloudformation,
            version_line.or(types.first().map(|t| t.1)),
            "CloudFormation template",
        ),
    };
    let ev = Evidence::new(&f.path, line, format!("{} > {what}", f.path));
    infra.iac.add(tool, ev.clone());
    infra.cloud.add(C::Aws, ev);
    for (ty, line) in &types {
        let orchestrator = match ty.as_str() {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => Orchestrator::Serverless,
            "AWS::ECS::Service" | "AWS::ECS::TaskDefinition" => Orchestrator::Ecs,
            "AWS::EKS::Cluster" => Orchestrator::Kubernetes,
            _ => continue,
        };
        let note = format!("{} > Type {ty}", f.path);
        infra
            .orchestrators
            .add(orchestrator, Evidence::new(&f.path, Some(*line), note));
    }
}

/// Cloud actions (`uses: aws-actions/configure-aws-credentials`) and cloud CLIs in CI files.
fn ci(ctx: &Ctx, files: &[&FileEntry], infra: &mut Infra) {
    for f in files.iter().filter(|f| super::ci::system_of(f).is_some()) {
        let Some(text) = ctx.inv.text(f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if is_comment(line) {
                continue;
            }
            let line_no = u32::try_from(i + 1).ok();
            if let Some(action) = USES_RX.captures(line).and_then(|c| c.get(1)) {
                let action = action.as_str().to_ascii_lowercase();
                if let Some((_, c)) = CLOUD_ACTIONS.iter().find(|(p, _)| action.starts_with(p)) {
                    let note = format!("{} > uses {action}", f.path);
                    infra.cloud.add(*c, Evidence::new(&f.path, line_no, note));
                }
                if action == ECS_DEPLOY_ACTION {
                    let note = format!("{} > uses {action}", f.path);
                    infra
                        .orchestrators
                        .add(Orchestrator::Ecs, Evidence::new(&f.path, line_no, note));
                }
                continue;
            }
            for (rx, c, what) in CI_COMMAND_RXS.iter() {
                if rx.is_match(line) {
                    let note = format!("{} > {what}", f.path);
                    infra.cloud.add(*c, Evidence::new(&f.path, line_no, note));
                }
            }
        }
    }
}

/// One automaton over every marker of [`K8S_MARKERS`] (pattern index = marker index).
static K8S_MARKER_AC: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::new(K8S_MARKERS.iter().map(|(m, _, _)| *m))
        .expect("built-in markers")
});

/// The same markers for the question "any of them?": leftmost-first matching lets the searcher
/// use its vectorised (Teddy) prefilter, several times faster over megabytes of manifests that
/// hold none of them, which is most.
static K8S_MARKER_ANY: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(K8S_MARKERS.iter().map(|(m, _, _)| *m))
        .expect("built-in markers")
});

/// Whether the walk should keep the text of a YAML file it reads to classify: detection reads
/// such a file again only for a cloud marker of a manifest or for a CloudFormation template,
/// both of which hold one of these literals. The others it passes over unread.
pub fn sniffed_text_worth_keeping(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"AWS").is_some() || K8S_MARKER_ANY.is_match(text)
}

/// Cloud-only annotations and private registries in manifests that parsed. Each manifest is
/// searched once for all markers (on every core, a chart repository has thousands); a marker
/// counts once per line, on lines that are not comments, in file and line order.
fn kubernetes(ctx: &Ctx, k8s: &[Manifest], infra: &mut Infra) {
    let found: Vec<Vec<(usize, u32)>> = k8s
        .par_iter()
        .map(|m| {
            if !m.parsed
                || ctx
                    .inv
                    .get(&m.path)
                    .is_some_and(FileEntry::sniffed_unmarked)
            {
                return Vec::new();
            }
            let Some(text) = ctx.text(&m.path) else {
                return Vec::new();
            };
            if !K8S_MARKER_ANY.is_match(&*text) {
                return Vec::new();
            }
            let lines = LineIndex::new(&text);
            let mut hits: Vec<(u32, usize)> = K8S_MARKER_AC
                .find_overlapping_iter(&*text)
                .filter_map(|hit| {
                    let line = lines.line(hit.start());
                    let start = lines.line_start(line);
                    let end = lines.line_end(line);
                    (!is_comment(&text[start..end])).then_some((line, hit.pattern().as_usize()))
                })
                .collect();
            // In line order, then marker order, each (line, marker) once.
            hits.sort_unstable();
            hits.dedup();
            hits.into_iter()
                .map(|(line, marker)| (marker, line))
                .collect()
        })
        .collect();
    for (m, hits) in k8s.iter().zip(found) {
        for (marker, line) in hits {
            let (marker, c, what) = K8S_MARKERS[marker];
            let note = format!("{} > {what} ({})", m.path, marker.trim_matches(['.', '/']));
            infra.cloud.add(c, Evidence::new(&m.path, Some(line), note));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{CloudProvider as C, IacTool, Orchestrator};
    use crate::repo::testing::facts;

    fn clouds(files: &[(&str, &str)]) -> Vec<C> {
        facts(files).cloud.into_iter().map(|l| l.value).collect()
    }

    #[test]
    fn terraform_provider_blocks_name_the_cloud_with_their_line() {
        let f = facts(&[(
            "infra/main.tf",
            "# aws\n\nprovider \"google\" {\n  project = \"x\"\n}\n",
        )]);
        assert_eq!(f.cloud.len(), 1);
        assert_eq!(f.cloud[0].value, C::Gcp);
        assert_eq!(f.cloud[0].evidence[0].line, Some(3));
        assert_eq!(
            f.cloud[0].evidence[0].note,
            "infra/main.tf > provider \"google\""
        );
    }

    #[test]
    fn each_terraform_provider_maps_to_its_cloud() {
        for (name, cloud) in [
            ("aws", C::Aws),
            ("azurerm", C::Azure),
            ("digitalocean", C::Digitalocean),
            ("cloudflare", C::Cloudflare),
            ("hcloud", C::Hetzner),
            ("linode", C::Linode),
        ] {
            let tf = format!("provider \"{name}\" {{}}\n");
            assert_eq!(clouds(&[("main.tf", &tf)]), [cloud], "{name}");
        }
    }

    #[test]
    fn required_providers_sources_and_resource_types_count_too() {
        let tf = "terraform {\n  required_providers {\n    hcloud = {\n      source = \"hetznercloud/hcloud\"\n    }\n  }\n}\n";
        assert_eq!(clouds(&[("versions.tf", tf)]), [C::Hetzner]);
        let f = facts(&[("db.tf", "resource \"aws_db_instance\" \"db\" {\n}\n")]);
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(
            f.cloud[0].evidence[0].note,
            "db.tf > resource \"aws_db_instance\""
        );
    }

    #[test]
    fn two_clouds_are_both_listed() {
        let got = clouds(&[(
            "main.tf",
            "provider \"aws\" {}\nprovider \"cloudflare\" {}\n",
        )]);
        assert_eq!(got, [C::Aws, C::Cloudflare]);
    }

    #[test]
    fn platform_config_files_name_their_platform() {
        for (path, content, cloud) in [
            ("fly.toml", "app = \"x\"\n", C::Fly),
            ("vercel.json", "{}", C::Vercel),
            ("netlify.toml", "[build]\n", C::Netlify),
            ("railway.json", "{}", C::Railway),
            ("railway.toml", "[deploy]\n", C::Railway),
            ("render.yaml", "services:\n  - type: web\n", C::Render),
            (
                "heroku.yml",
                "build:\n  docker:\n    web: Dockerfile\n",
                C::Heroku,
            ),
            ("app.yaml", "runtime: python312\n", C::Gcp),
        ] {
            let f = facts(&[(path, content)]);
            assert_eq!(
                f.cloud.iter().map(|l| l.value).collect::<Vec<_>>(),
                [cloud],
                "{path}"
            );
            assert_eq!(f.orchestrators[0].value, Orchestrator::Paas, "{path}");
        }
    }

    #[test]
    fn app_yaml_without_runtime_is_not_app_engine() {
        assert!(clouds(&[("app.yaml", "name: x\n")]).is_empty());
    }

    #[test]
    fn a_heroku_app_json_counts_and_an_expo_one_does_not() {
        let f = facts(&[
            (
                "app.json",
                "{\n  \"name\": \"x\",\n  \"buildpacks\": []\n}\n",
            ),
            ("Procfile", "web: node server.js\n"),
        ]);
        assert_eq!(f.cloud[0].value, C::Heroku);
        assert_eq!(f.cloud[0].evidence[0].line, Some(3));
        assert!(f.cloud[0].evidence.iter().any(|e| e.path == "Procfile"));
        assert!(clouds(&[(
            "app.json",
            "{\"expo\": {\"name\": \"x\"}, \"buildpacks\": []}"
        )])
        .is_empty());
    }

    #[test]
    fn a_procfile_alone_names_no_cloud_but_a_paas() {
        let f = facts(&[("Procfile", "web: gunicorn app:app\n")]);
        assert!(f.cloud.is_empty());
        assert_eq!(f.orchestrators.len(), 1);
        assert_eq!(f.orchestrators[0].value, Orchestrator::Paas);
        assert_eq!(f.orchestrators[0].evidence[0].path, "Procfile");
    }

    #[test]
    fn serverless_provider_name_names_the_cloud() {
        let yml = "service: api\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  hello:\n    handler: h.js\n";
        let f = facts(&[("serverless.yml", yml)]);
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(f.cloud[0].evidence[0].line, Some(3));
        assert_eq!(f.iac[0].value, IacTool::ServerlessFramework);
        assert_eq!(f.orchestrators[0].value, Orchestrator::Serverless);
        assert_eq!(
            clouds(&[("serverless.yml", "service: x\nprovider: google\n")]),
            [C::Gcp]
        );
    }

    #[test]
    fn sam_and_cloudformation_templates_mean_aws() {
        let sam = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Ref X\n";
        let f = facts(&[("template.yaml", sam)]);
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(
            f.iac.iter().map(|l| l.value).collect::<Vec<_>>(),
            [IacTool::AwsSam]
        );
        assert_eq!(f.iac[0].evidence[0].line, Some(2));
        assert_eq!(f.orchestrators[0].value, Orchestrator::Serverless);
        let cfn = "Resources:\n  Svc:\n    Type: AWS::ECS::Service\n";
        let f = facts(&[("stack.yml", cfn)]);
        assert_eq!(f.iac[0].value, IacTool::Cloudformation);
        assert_eq!(f.orchestrators[0].value, Orchestrator::Ecs);
        assert_eq!(f.orchestrators[0].evidence[0].line, Some(3));
    }

    #[test]
    fn an_ecs_task_definition_means_aws_and_ecs() {
        let json =
            "{\n  \"family\": \"web\",\n  \"containerDefinitions\": [{\"name\": \"web\"}]\n}\n";
        let f = facts(&[("deploy/task-definition.json", json)]);
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(f.cloud[0].evidence[0].line, Some(3));
        assert_eq!(f.orchestrators[0].value, Orchestrator::Ecs);
    }

    #[test]
    fn cloud_login_actions_in_workflows_name_the_cloud() {
        for (action, cloud) in [
            ("aws-actions/configure-aws-credentials@v4", C::Aws),
            ("google-github-actions/auth@v2", C::Gcp),
            ("Azure/login@v2", C::Azure),
        ] {
            let wf = format!("on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: {action}\n");
            let f = facts(&[(".github/workflows/deploy.yml", &wf)]);
            assert_eq!(
                f.cloud.iter().map(|l| l.value).collect::<Vec<_>>(),
                [cloud],
                "{action}"
            );
            assert_eq!(f.cloud[0].evidence[0].line, Some(6));
        }
    }

    #[test]
    fn cloud_clis_in_gitlab_scripts_name_the_cloud_but_comments_do_not() {
        let ci = "deploy:\n  image: google/cloud-sdk:slim\n  script:\n    # aws ecs update-service\n    - gcloud run deploy api\n";
        let f = facts(&[(".gitlab-ci.yml", ci)]);
        assert_eq!(
            f.cloud.iter().map(|l| l.value).collect::<Vec<_>>(),
            [C::Gcp]
        );
        assert_eq!(f.cloud[0].evidence.len(), 2);
    }

    #[test]
    fn cloud_annotations_in_kubernetes_manifests_name_the_cloud() {
        let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/app\n";
        let f = facts(&[("k8s/sa.yaml", sa)]);
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(f.cloud[0].evidence[0].line, Some(6));
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    cloud.google.com/neg: '{\"ingress\": true}'\n";
        assert_eq!(clouds(&[("k8s/ing.yaml", ing)]), [C::Gcp]);
    }

    #[test]
    fn a_single_app_on_two_platforms_is_an_ambiguity_and_cloudflare_is_not() {
        let f = facts(&[
            ("fly.toml", "app = \"x\"\n"),
            ("render.yaml", "services: []\n"),
        ]);
        let a: Vec<&str> = f.ambiguities.iter().map(|a| a.subject.as_str()).collect();
        assert_eq!(a, ["repository.cloud"]);
        assert_eq!(f.ambiguities[0].candidates.len(), 2);
        let f = facts(&[(
            "main.tf",
            "provider \"aws\" {}\nprovider \"cloudflare\" {}\n",
        )]);
        assert!(f.ambiguities.is_empty());
    }
}
