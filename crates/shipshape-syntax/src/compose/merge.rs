//! Merging compose files the way Compose merges a `-f` list, an override file or an `extends`:
//! mappings merge key by key with the later file winning; sequences follow the attribute —
//! `command`, `entrypoint` and `healthcheck.test` are replaced, `ports` and most lists are
//! appended without duplicates, `volumes` merge by container path, `environment`, `labels`,
//! `build.args` and `extra_hosts` merge by name (list and mapping spellings mixed), `secrets` and
//! `configs` by source.

use super::{Entry, Node, Scalar, Value};

/// `over` merged onto `base` (whole files: top level).
pub(super) fn merge(base: Node, over: Node) -> Node {
    merge_at(base, over, &mut Vec::new())
}

/// A service merged onto the service it extends.
pub(super) fn merge_service(base: Node, over: Node) -> Node {
    merge_at(base, over, &mut vec!["services".into(), "*".into()])
}

/// Adds the services, networks, volumes, secrets and configs of an included project that
/// `model` does not define itself.
pub(super) fn add_missing_resources(model: &mut Node, included: Node) {
    let Value::Map(included) = included.value else {
        return;
    };
    let Value::Map(entries) = &mut model.value else {
        return;
    };
    for section in included {
        let Some(name) = section.key.as_str().map(str::to_string) else {
            continue;
        };
        if !matches!(
            name.as_str(),
            "services" | "networks" | "volumes" | "secrets" | "configs"
        ) {
            continue;
        }
        match entries.iter_mut().find(|e| e.key.as_str() == Some(&name)) {
            None => entries.push(section),
            Some(own) => {
                let Value::Map(own_items) = &mut own.value.value else {
                    continue;
                };
                if let Value::Map(items) = section.value.value {
                    for item in items {
                        if !own_items
                            .iter()
                            .any(|o| o.key.as_str() == item.key.as_str())
                        {
                            own_items.push(item);
                        }
                    }
                }
            }
        }
    }
}

/// How a sequence attribute merges.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sequence {
    Replace,
    /// Items are identified by a key; a later item with the same key replaces the earlier one.
    ByKey(ItemKey),
    /// Later items are appended unless an equal one is there.
    Append,
}

/// What identifies an item of a sequence merged by key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemKey {
    VolumeTarget,
    Assignment,
    Source,
}

impl ItemKey {
    fn of(self, node: &Node) -> Option<String> {
        match self {
            ItemKey::VolumeTarget => volume_target(node),
            ItemKey::Assignment => assignment_name(node),
            ItemKey::Source => source_name(node),
        }
    }
}

fn strategy(path: &[String]) -> Sequence {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"] => Sequence::Replace,
        ["services", _, "healthcheck", "test"] => Sequence::Replace,
        ["services", _, "volumes"] => Sequence::ByKey(ItemKey::VolumeTarget),
        ["services", _, "environment" | "labels" | "annotations" | "sysctls" | "extra_hosts"]
        | ["services", _, "build", "args" | "labels"] => Sequence::ByKey(ItemKey::Assignment),
        ["services", _, "secrets" | "configs"] => Sequence::ByKey(ItemKey::Source),
        _ => Sequence::Append,
    }
}

fn merge_at(base: Node, over: Node, path: &mut Vec<String>) -> Node {
    match (base.value, over.value) {
        (Value::Map(base_entries), Value::Map(over_entries)) => {
            let mut entries = base_entries;
            for e in over_entries {
                let key = e.key.as_str().map(str::to_string);
                let at = key
                    .as_deref()
                    .and_then(|k| entries.iter().position(|b| b.key.as_str() == Some(k)));
                match at {
                    Some(i) => {
                        let b = entries.remove(i);
                        path.push(child_key(path, key.as_deref().unwrap_or("")));
                        let value = merge_at(b.value, e.value, path);
                        path.pop();
                        entries.insert(i, Entry { key: b.key, value });
                    }
                    None => entries.push(e),
                }
            }
            Node {
                value: Value::Map(entries),
                file: base.file,
                span: base.span,
            }
        }
        (Value::Seq(base_items), Value::Seq(over_items)) => {
            let items = match strategy(path) {
                Sequence::Replace => {
                    return Node {
                        value: Value::Seq(over_items),
                        file: over.file,
                        span: over.span,
                    }
                }
                Sequence::ByKey(key) => by_key(base_items, over_items, key),
                Sequence::Append => {
                    let mut items = base_items;
                    for item in over_items {
                        if !items.iter().any(|i| same(i, &item)) {
                            items.push(item);
                        }
                    }
                    items
                }
            };
            Node {
                value: Value::Seq(items),
                file: base.file,
                span: base.span,
            }
        }
        // `environment: [A=1]` in one file and `environment: {B: 2}` in the other: both become
        // a mapping.
        (Value::Seq(items), Value::Map(over_entries)) if assignments(path) => {
            let base = Node {
                value: Value::Map(items.iter().filter_map(assignment_entry).collect()),
                file: base.file,
                span: base.span,
            };
            merge_at(
                base,
                Node {
                    value: Value::Map(over_entries),
                    file: over.file,
                    span: over.span,
                },
                path,
            )
        }
        (Value::Map(base_entries), Value::Seq(items)) if assignments(path) => merge_at(
            Node {
                value: Value::Map(base_entries),
                file: base.file,
                span: base.span,
            },
            Node {
                value: Value::Map(items.iter().filter_map(assignment_entry).collect()),
                file: over.file,
                span: over.span,
            },
            path,
        ),
        // Anything else: the later file's value replaces the earlier one.
        (_, value) => Node {
            value,
            file: over.file,
            span: over.span,
        },
    }
}

/// The path element for a mapping key: service names become `*`.
fn child_key(path: &[String], key: &str) -> String {
    if path.len() == 1 && path[0] == "services" {
        "*".to_string()
    } else {
        key.to_string()
    }
}

fn assignments(path: &[String]) -> bool {
    strategy(path) == Sequence::ByKey(ItemKey::Assignment)
}

fn by_key(base: Vec<Node>, over: Vec<Node>, key: ItemKey) -> Vec<Node> {
    let mut items = base;
    for item in over {
        let k = key.of(&item);
        match k.and_then(|k| items.iter().position(|i| key.of(i).as_deref() == Some(&k))) {
            Some(at) => items[at] = item,
            None => {
                if !items.iter().any(|i| same(i, &item)) {
                    items.push(item);
                }
            }
        }
    }
    items
}

/// Two items are the same when they print the same.
fn same(a: &Node, b: &Node) -> bool {
    canonical(a) == canonical(b)
}

fn canonical(node: &Node) -> String {
    match &node.value {
        Value::Null => "~".into(),
        Value::Scalar(s) => s.text.clone(),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{}:{}", canonical(&e.key), canonical(&e.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// `KEY=value`, `KEY` or `host:ip` → `KEY` / `host`.
fn assignment_name(node: &Node) -> Option<String> {
    let text = node.as_str()?;
    let end = text.find(['=', ':']).unwrap_or(text.len());
    Some(text[..end].trim().to_string())
}

/// A list item `KEY=value` as a mapping entry; key and value both point at the item.
fn assignment_entry(item: &Node) -> Option<Entry> {
    let split = |t: &str| match t.find(['=', ':']) {
        Some(i) => (t[..i].to_string(), Some(t[i + 1..].to_string())),
        None => (t.to_string(), None),
    };
    let (key, value) = split(item.as_str()?);
    let (_, written) = split(item.written()?);
    let key = Scalar {
        text: key.trim().to_string(),
        written: key.trim().to_string(),
        quoted: false,
        unresolved: false,
    };
    let value = value.map(|v| Scalar {
        text: v,
        written: written.unwrap_or_default(),
        quoted: false,
        unresolved: item.is_unresolved(),
    });
    Some(Entry {
        key: Node {
            value: Value::Scalar(key),
            file: item.file,
            span: item.span,
        },
        value: Node {
            value: value.map_or(Value::Null, Value::Scalar),
            file: item.file,
            span: item.span,
        },
    })
}

/// The container path of a volume: `target` of the long syntax, the second field of the short.
fn volume_target(node: &Node) -> Option<String> {
    if node.is_map() {
        return node.get("target")?.as_str().map(str::to_string);
    }
    let text = node.as_str()?;
    let parts: Vec<&str> = text.split(':').collect();
    let target = match parts.as_slice() {
        [only] => only,
        // `C:\data:/data`: a drive letter is part of the source.
        [drive, _, target, ..] if drive.len() == 1 => target,
        [_, target, ..] => target,
        [] => return None,
    };
    Some(target.trim_end_matches('/').to_string())
}

/// `source` of a long-syntax secret or config, or the short name.
fn source_name(node: &Node) -> Option<String> {
    if node.is_map() {
        return node.get("source")?.as_str().map(str::to_string);
    }
    node.as_str().map(str::to_string)
}
