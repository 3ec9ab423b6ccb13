//! Renders HTML in headless Chromium (Debian's `chromium` package, installed by
//! `scripts/ensure-chromium`, which `scripts/test` runs), so tests of the HTML reports can assert
//! what a reader actually *sees*: [`visible_text`] is `document.body.innerText` after scripts ran
//! and CSS was applied (no `display:none` content). There is no silent skip: without Chromium
//! the test fails and says how to install it.
//!
//! Every render is a fresh Chromium with its own throw-away profile, background networking off
//! and every host name unresolvable, so a page can never reach the network.
//!
//! Usable from any test crate, alone (`#[path = "support/browser.rs"] mod browser;`) or as
//! `support::browser`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one Chromium run may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The id of the element the wrapper page writes the visible text into.
const MARKER_ID: &str = "infra-verify-visible-text";

/// The page is rendered untouched (its bytes, encoding, doctype and Content-Security-Policy as
/// they are) in a full-window iframe of this wrapper. On the wrapper's load (which waits for the
/// page's own load handlers) plus one task, the wrapper appends an element holding the page's
/// `document.body.innerText` as hex of its UTF-8 bytes, so the dumped DOM carries the text with
/// no escaping to undo; or, if the page could not be read, the error.
const WRAPPER: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
html, body { margin: 0; height: 100%; }
iframe { display: block; border: 0; width: 100%; height: 100%; }
</style></head><body><iframe id="page" src="page.html"></iframe><script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var out = document.createElement("pre");
    out.id = "infra-verify-visible-text";
    try {
      var body = document.getElementById("page").contentDocument.body;
      var bytes = new TextEncoder().encode(body ? body.innerText : "");
      var hex = "";
      for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
      out.textContent = "[" + hex + "]";
    } catch (e) {
      out.textContent = "error: " + e;
    }
    document.body.appendChild(out);
  }, 0);
});
</script></body></html>
"#;

/// The Chromium executable: `$INFRA_VERIFY_CHROMIUM`, else `/usr/bin/chromium`. Panics (never
/// skips) when it is missing.
pub fn chromium() -> PathBuf {
    let bin = std::env::var_os("INFRA_VERIFY_CHROMIUM")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        bin.is_file(),
        "headless Chromium is not installed ({} is missing). Run the tests with `scripts/test`, \
         which installs Debian's chromium package, or run `scripts/ensure-chromium` once \
         (or set INFRA_VERIFY_CHROMIUM to a Chromium executable).",
        bin.display()
    );
    bin
}

/// The Lighthouse CLI the test command installs (`scripts/ensure-lighthouse`, exported as
/// `INFRA_VERIFY_LIGHTHOUSE`; else its default place). Panics (never skips) when it is missing.
pub fn lighthouse() -> PathBuf {
    let bin = std::env::var_os("INFRA_VERIFY_LIGHTHOUSE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/infra-verify/lighthouse/node_modules/.bin/lighthouse")
        });
    assert!(
        bin.is_file(),
        "the Lighthouse CLI is not installed ({} is missing): run the tests with scripts/test, \
         or run scripts/ensure-lighthouse once (or set INFRA_VERIFY_LIGHTHOUSE)",
        bin.display()
    );
    bin
}

/// A home directory under `dir` whose NSS database (`.pki/nssdb`, made with NSS's `certutil`,
/// Debian's libnss3-tools, which `scripts/ensure-chromium` installs) trusts the CA in `ca_pem`:
/// run Chromium (through `web_page`) with `HOME` set to it and it trusts that CA, as a user's
/// Chromium trusts an internal CA. Panics when certutil is missing or fails.
pub fn nss_home(dir: &Path, ca_pem: &str) -> PathBuf {
    let home = dir.join("home");
    let nssdb = home.join(".pki/nssdb");
    std::fs::create_dir_all(&nssdb).expect("nssdb dir");
    let ca_file = dir.join("nss-ca.pem");
    std::fs::write(&ca_file, ca_pem).expect("write CA");
    let db = format!("sql:{}", nssdb.display());
    let ca = ca_file.to_string_lossy().into_owned();
    for args in [
        vec!["-d", &db, "-N", "--empty-password"],
        vec![
            "-d",
            &db,
            "-A",
            "-t",
            "C,,",
            "-n",
            "infra-verify test CA",
            "-i",
            &ca,
        ],
    ] {
        let out = Command::new("certutil").args(&args).output().expect(
            "certutil (Debian's libnss3-tools) is missing: run the tests with scripts/test, \
             whose scripts/ensure-chromium installs it",
        );
        assert!(
            out.status.success(),
            "certutil {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    home
}

/// `chromium --version`, e.g. "Chromium 156.0.8078.79 built on Debian GNU/Linux 12 (bookworm)".
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let bin = chromium();
        let out = Command::new(&bin)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
        assert!(
            out.status.success(),
            "{} --version failed ({}): {}",
            bin.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
}

/// Renders `html` in headless Chromium and returns `document.body.innerText`: the text a reader
/// sees, laid out (block elements on their own lines, `<br>` as newlines, CSS `text-transform`
/// applied), without `display:none`/`hidden` content or `<script>`/`<style>` bodies, and with
/// whatever the page's scripts wrote by the end of its `load` event. `&nbsp;` comes back as
/// U+00A0. The page is loaded as is (a `file://` URL in a temporary directory, shown in a
/// full-window iframe of a 1280x1024 window, see [`WRAPPER`]); nothing loads from the network.
pub fn visible_text(html: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("page.html"), html).expect("write page.html");
    let wrapper = dir.path().join("wrapper.html");
    std::fs::write(&wrapper, WRAPPER).expect("write wrapper.html");
    let dom = run(
        dir.path(),
        &[
            // Lets the wrapper read the page's DOM (both are file:// URLs).
            "--allow-file-access-from-files".to_string(),
            "--dump-dom".to_string(),
            file_url(&wrapper),
        ],
    );
    let dom = String::from_utf8_lossy(&dom);
    match extract_visible_text(&dom) {
        Ok(text) => text,
        Err(why) => panic!(
            "headless Chromium rendered the page but its visible text was not captured: {why}. \
             Dumped DOM of the wrapper page:\n{dom}"
        ),
    }
}

/// Renders `html` to PDF with headless Chromium (`--print-to-pdf`, no header/footer) and returns
/// the PDF's size in bytes, after checking it is a complete PDF: the printable form of a report.
pub fn pdf_len(html: &str) -> usize {
    let dir = tempfile::tempdir().expect("temporary directory");
    let page = dir.path().join("page.html");
    let pdf = dir.path().join("page.pdf");
    std::fs::write(&page, html).expect("write page.html");
    run(
        dir.path(),
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_string(),
            file_url(&page),
        ],
    );
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|e| panic!("Chromium did not write {}: {e}", pdf.display()));
    assert!(
        bytes.starts_with(b"%PDF-"),
        "Chromium's --print-to-pdf output is not a PDF"
    );
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    assert!(
        tail.windows(5).any(|w| w == b"%%EOF"),
        "Chromium's PDF is truncated (no %%EOF)"
    );
    bytes.len()
}

/// Fails, listing every offender, if `html` references an absolute or protocol-relative
/// `http(s)://`/`//` URL (or `ws(s)://`, `ftp://`) in a `src`, `href`, `srcset`, `poster`,
/// `action`, `formaction`, `data`, `background` attribute, a CSS `url(...)` or an `@import`: a
/// self-contained page (an evidence report read offline, years later) needs none. Links count
/// too (`<a href="https://...">`). Relative, `data:`, `#fragment` and `mailto:` URLs are fine.
pub fn assert_no_external_assets(html: &str) {
    let offenders = external_references(html);
    assert!(
        offenders.is_empty(),
        "the page is not self-contained; it references:\n  {}",
        offenders.join("\n  ")
    );
}

/// Every external reference in `html`, as `what = value`.
pub fn external_references(html: &str) -> Vec<String> {
    static PATTERNS: OnceLock<[regex::Regex; 3]> = OnceLock::new();
    let [attr, css_url, import] = PATTERNS.get_or_init(|| {
        [
            regex::Regex::new(
                r#"(?i)(?:^|[\s"'/])(src|href|xlink:href|srcset|poster|action|formaction|data|background)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#,
            )
            .expect("attribute regex"),
            regex::Regex::new(r#"(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))"#)
                .expect("url() regex"),
            regex::Regex::new(r#"(?i)@import\s+(?:"([^"]*)"|'([^']*)')"#).expect("@import regex"),
        ]
    });
    let value = |c: &regex::Captures<'_>, from: usize| {
        (from..c.len())
            .find_map(|i| c.get(i))
            .map_or("", |m| m.as_str())
            .to_string()
    };
    let mut found = Vec::new();
    for c in attr.captures_iter(html) {
        let name = c[1].to_ascii_lowercase();
        let v = value(&c, 2);
        // A srcset is a comma-separated list of "URL [descriptor]".
        let urls: Vec<&str> = if name == "srcset" {
            v.split(',')
                .filter_map(|s| s.split_whitespace().next())
                .collect()
        } else {
            vec![v.as_str()]
        };
        if urls.iter().any(|u| is_external(u)) {
            found.push(format!("{name}=\"{v}\""));
        }
    }
    for c in css_url.captures_iter(html) {
        let v = value(&c, 1);
        if is_external(&v) {
            found.push(format!("url({v})"));
        }
    }
    for c in import.captures_iter(html) {
        let v = value(&c, 1);
        if is_external(&v) {
            found.push(format!("@import \"{v}\""));
        }
    }
    found
}

/// Whether a URL, as a browser would read it (surrounding whitespace trimmed, tabs and newlines
/// dropped, `\` as `/`), points at another host.
fn is_external(url: &str) -> bool {
    let u: String = url
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| {
            if c == '\\' {
                '/'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    ["//", "http:", "https:", "ws:", "wss:", "ftp:"]
        .iter()
        .any(|p| u.starts_with(p))
}

/// The text the wrapper page left in its dumped DOM.
fn extract_visible_text(dom: &str) -> Result<String, String> {
    let start = dom
        .find(&format!("id=\"{MARKER_ID}\""))
        .ok_or("the wrapper page wrote no result")?;
    let rest = &dom[start..];
    let rest = &rest[rest.find('>').ok_or("truncated DOM")? + 1..];
    let content = &rest[..rest.find('<').ok_or("truncated DOM")?];
    let Some(hex) = content.strip_prefix('[').and_then(|c| c.strip_suffix(']')) else {
        return Err(content.to_string());
    };
    if hex.len() % 2 != 0 {
        return Err(format!("odd-length hex {hex:?}"));
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|e| format!("bad hex: {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("innerText is not UTF-8: {e}"))
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_str().expect("UTF-8 temp path").bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// Runs headless Chromium with `args` in a fresh profile under `dir` and returns its stdout.
/// Panics with its stderr when it fails or takes longer than [`TIMEOUT`].
fn run(dir: &Path, args: &[String]) -> Vec<u8> {
    let bin = chromium();
    let profile = dir.join("profile");
    let stdout_path = dir.join("chromium.stdout");
    let stderr_path = dir.join("chromium.stderr");
    let mut child = Command::new(&bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-breakpad",
            // No name resolves: a page that references the network gets errors, not waits.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=5000",
            "--window-size=1280,1024",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        // Files stay out of the way of pipes: a large DOM cannot block Chromium.
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("create chromium.stdout"))
        .stderr(File::create(&stderr_path).expect("create chromium.stderr"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    match status {
        Some(s) if s.success() => std::fs::read(&stdout_path).expect("read chromium.stdout"),
        Some(s) => panic!(
            "{} {} failed ({s}); stderr:\n{stderr}",
            bin.display(),
            args.join(" ")
        ),
        None => panic!(
            "{} {} took longer than {TIMEOUT:?}; killed it. stderr:\n{stderr}",
            bin.display(),
            args.join(" ")
        ),
    }
}
