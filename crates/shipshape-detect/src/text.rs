//! Manifests as editors and shells save them. The inventory reads UTF-8 (a BOM is dropped);
//! manifests also come in UTF-16 with a byte-order mark (`pip freeze > requirements.txt` in
//! Windows PowerShell writes UTF-16 LE) and in Latin-1 (old Windows editors). Such a manifest
//! is decoded here rather than lost, so a whole backend is not missed for its encoding.

use std::io::Read;
use std::sync::Arc;

use shipshape_core::{ArtifactKind, Inventory};

/// Manifests larger than this are not decoded here (the inventory's own cap is larger; no
/// manifest comes near it).
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// Text of `bytes`: UTF-8 (BOM dropped), UTF-16 LE/BE with a BOM, else Latin-1 when the bytes
/// hold no NUL (a Latin-1 byte is the code point of the same number). `None` for binary content.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(body).ok().map(str::to_string);
    }
    let utf16 = |body: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = body.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
        String::from_utf16(&units).ok()
    };
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(body, u16::from_le_bytes);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(body, u16::from_be_bytes);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    if bytes.contains(&0) {
        return None;
    }
    Some(bytes.iter().map(|&b| char::from(b)).collect())
}

/// Whether `path` is a file whose text detection needs whatever its encoding: package
/// manifests, lockfiles, version files, env files, Procfiles.
fn is_manifest(inv: &Inventory, path: &str) -> bool {
    let Some(entry) = inv.get(path) else {
        return false;
    };
    let name = entry.name();
    matches!(
        entry.kind,
        ArtifactKind::PackageManifest(_) | ArtifactKind::DotEnv
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
        || matches!(
            name,
            "Pipfile"
                | "Procfile"
                | "runtime.txt"
                | ".python-version"
                | ".nvmrc"
                | ".node-version"
                | ".ruby-version"
                | ".tool-versions"
                | "rust-toolchain"
                | "global.json"
        )
}

/// The text of the file at `path`: what the inventory read, else — for a manifest the
/// inventory could not take as UTF-8 — its bytes decoded by [`decode`].
pub fn read(inv: &Inventory, path: &str) -> Option<Arc<str>> {
    if let Some(text) = inv.text_of(path) {
        return Some(text);
    }
    if !is_manifest(inv, path) {
        return None;
    }
    let file = std::fs::File::open(inv.root().join(path)).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST_BYTES).read_to_end(&mut bytes).ok()?;
    decode(&bytes).map(Arc::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            out.extend(u.to_le_bytes());
        }
        out
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        assert_eq!(
            decode(&utf16le("fastapi==0.115.0\r\n")).as_deref(),
            Some("fastapi==0.115.0\r\n")
        );
        let mut be = vec![0xFE, 0xFF];
        for u in "uvicorn".encode_utf16() {
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&be).as_deref(), Some("uvicorn"));
    }

    #[test]
    fn latin1_is_decoded_and_utf8_kept() {
        assert_eq!(
            decode(b"# caf\xe9\nflask\n").as_deref(),
            Some("# café\nflask\n")
        );
        assert_eq!(decode("é".as_bytes()).as_deref(), Some("é"));
        assert_eq!(decode(b"\xEF\xBB\xBFflask").as_deref(), Some("flask"));
        assert_eq!(decode(b"\x00\x01\x02\xff"), None);
    }
}
