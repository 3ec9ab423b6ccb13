//! Reading a spec: the entry points, file reading and its size limit, `extends:` resolution and
//! merging, and the expansion of `regions:` once every file is merged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::{
    AwsSettings, Diagnostic, DriftSettings, Origin, Resource, Spec, SpecError, SPEC_VERSION,
};
use crate::fsutil::sha256_hex;
use crate::yaml::{self, Node, Pos};

/// Loads and validates a spec file and the files it extends.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let mut loader = Loader {
        root: path
            .parent()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .and_then(|d| std::fs::canonicalize(d).ok()),
        ..Loader::default()
    };
    let layer = loader.layer(path, &mut Vec::new())?;
    loader.finish(path, layer)
}

/// Parses and validates spec text that extends nothing (for tests and tools that build specs in memory).
pub fn from_str(path: &Path, text: &str) -> Result<Spec, SpecError> {
    let mut loader = Loader::default();
    let file: Arc<Path> = Arc::from(path);
    loader.files.push(path.to_path_buf());
    loader.hashes.push(sha256_hex(text.as_bytes()));
    let layer = loader.parse_layer(&file, text);
    if let Some(ext) = &layer.extends {
        loader.error(&ext.1, "`extends:` needs a spec loaded from a file");
    }
    loader.finish(path, layer)
}

/// "Did you mean" for a region: only a one-character slip (`us-east-2` for `us-east-1`); region
/// names are too alike for a similarity score.
fn region_hint(region: &str, listed: &[String]) -> String {
    listed
        .iter()
        .find(|l| strsim::levenshtein(region, l) == 1)
        .map(|l| format!("; did you mean `{l}`?"))
        .unwrap_or_default()
}

/// The regions one resource entry is checked in (`regions:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum RegionSet {
    /// `regions: all`: every region of `aws.regions`.
    All,
    /// `regions: [a, b]`.
    List(Vec<String>),
}

/// One file's contribution before merging.
#[derive(Default)]
pub(super) struct Layer {
    /// The file (and every file it extends) was a YAML mapping.
    pub(super) parsed: bool,
    pub(super) has_version: bool,
    pub(super) extends: Option<(String, Origin)>,
    pub(super) environment: Option<String>,
    pub(super) aws: AwsSettings,
    /// Where `aws.region` / `aws.regions` were written (for errors found after merging).
    pub(super) aws_origin: Option<Origin>,
    pub(super) resources: Vec<Resource>,
    /// The `regions:` of resource entries, by kind and id, expanded once every file is merged.
    pub(super) expansions: Vec<((&'static str, String), RegionSet, Origin)>,
    /// Where each resource's own `region:` was written, by kind and id.
    pub(super) region_origins: Vec<((&'static str, String), Origin)>,
    pub(super) drift_ignore: Vec<String>,
    pub(super) dns_servers: Vec<std::net::SocketAddr>,
}

#[derive(Default)]
pub(super) struct Loader {
    pub(super) diags: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    /// SHA-256 of each file's bytes as read, in the order of `files`.
    hashes: Vec<String>,
    /// The directory of the spec given (canonical): `extends:` may not leave it.
    root: Option<PathBuf>,
}

impl Loader {
    /// Checks what only the merged spec can tell, and returns it or every problem found.
    fn finish(mut self, path: &Path, layer: Layer) -> Result<Spec, SpecError> {
        let top = Some(Pos { line: 1, column: 1 });
        if layer.parsed && layer.environment.is_none() {
            self.diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: top,
                message: "missing `environment:` (e.g. `environment: staging`)".into(),
            });
        }
        if layer.parsed && !layer.has_version {
            self.diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: top,
                message: format!("missing `version: {SPEC_VERSION}`"),
            });
        }
        let mut layer = layer;
        let resources = self.regional(&mut layer);
        if !self.diags.is_empty() {
            return Err(SpecError::Invalid(self.diags));
        }
        Ok(Spec {
            path: path.to_path_buf(),
            files: self.files,
            file_sha256: self.hashes,
            environment: layer.environment.unwrap_or_default(),
            aws: layer.aws,
            resources,
            drift: DriftSettings {
                ignore: layer.drift_ignore,
            },
            dns_servers: layer.dns_servers,
        })
    }

    /// Checks the merged spec's regions and expands every `regions:` entry into one resource per
    /// region. The home region defaults to the first of `aws.regions`.
    fn regional(&mut self, layer: &mut Layer) -> Vec<Resource> {
        let aws = &mut layer.aws;
        let listed = aws.regions.clone();
        if let (Some(home), false) = (&aws.region, listed.is_empty()) {
            if !listed.contains(home) {
                if let Some(at) = layer.aws_origin.clone() {
                    self.error(
                        &at,
                        format!(
                            "`aws.region` `{home}` is not one of `aws.regions` ({})",
                            listed.join(", ")
                        ),
                    );
                }
            }
        }
        if aws.region.is_none() {
            aws.region = listed.first().cloned();
        }
        let outside = |r: &str| !listed.is_empty() && !listed.iter().any(|l| l == r);
        for ((kind, id), at) in layer.region_origins.clone() {
            let region = layer
                .resources
                .iter()
                .find(|r| r.kind.name == kind && r.id == id)
                .and_then(|r| r.region.clone());
            if let Some(region) = region.filter(|r| outside(r)) {
                let hint = region_hint(&region, &listed);
                self.error(
                    &at,
                    format!(
                        "region `{region}` is not one of the environment's `aws.regions` ({}){hint}",
                        listed.join(", ")
                    ),
                );
            }
        }
        let mut out = Vec::with_capacity(layer.resources.len());
        for r in std::mem::take(&mut layer.resources) {
            let Some((_, set, at)) = layer
                .expansions
                .iter()
                .find(|((k, i), _, _)| *k == r.kind.name && *i == r.id)
                .cloned()
            else {
                out.push(r);
                continue;
            };
            let regions = match set {
                RegionSet::All if listed.is_empty() => {
                    self.error(
                        &at,
                        "`regions: all` needs the environment's regions: list them in `aws.regions`",
                    );
                    continue;
                }
                RegionSet::All => listed.clone(),
                RegionSet::List(list) => {
                    for region in list.iter().filter(|r| outside(r)) {
                        let hint = region_hint(region, &listed);
                        self.error(
                            &at,
                            format!(
                                "region `{region}` is not one of the environment's `aws.regions` ({}){hint}",
                                listed.join(", ")
                            ),
                        );
                    }
                    list
                }
            };
            for region in regions {
                let mut copy = r.clone();
                copy.region = Some(region);
                copy.per_region = true;
                out.push(copy);
            }
        }
        out
    }

    pub(super) fn error(&mut self, origin: &Origin, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: origin.file.to_path_buf(),
            pos: Some(origin.pos),
            message: message.into(),
        });
    }

    pub(super) fn origin(file: &Arc<Path>, node: &Node) -> Origin {
        Origin {
            file: file.clone(),
            pos: node.pos,
        }
    }

    /// Reads `path` and everything it extends, merged.
    fn layer(&mut self, path: &Path, stack: &mut Vec<PathBuf>) -> Result<Layer, SpecError> {
        let io = |source| SpecError::Io {
            path: path.to_path_buf(),
            source,
        };
        // Too large to be a spec: refused before it is read into memory.
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > yaml::MAX_SPEC_BYTES as u64 {
            self.files.push(path.to_path_buf());
            self.diags.push(Diagnostic {
                file: path.to_path_buf(),
                pos: None,
                message: format!(
                    "the file is {size} bytes; a spec may be at most {} bytes",
                    yaml::MAX_SPEC_BYTES
                ),
            });
            return Ok(Layer::default());
        }
        let text = std::fs::read(path).map_err(io)?;
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        stack.push(canonical);
        self.files.push(path.to_path_buf());
        self.hashes.push(sha256_hex(&text));
        let file: Arc<Path> = Arc::from(path);
        let layer = match String::from_utf8(text) {
            Ok(text) => self.parse_layer(&file, &text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let before = &e.as_bytes()[..offset];
                let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
                let column = before.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
                self.diags.push(Diagnostic {
                    file: path.to_path_buf(),
                    pos: Some(Pos { line, column }),
                    message: "the file is not valid UTF-8".into(),
                });
                Layer::default()
            }
        };
        let result = match layer.extends.clone() {
            None => Ok(layer),
            Some((base, origin)) => {
                let dir = path.parent().unwrap_or(Path::new("."));
                let base_path = dir.join(&base);
                let base_canonical =
                    std::fs::canonicalize(&base_path).unwrap_or_else(|_| base_path.clone());
                let outside = self
                    .root
                    .as_ref()
                    .is_some_and(|root| base_path.is_file() && !base_canonical.starts_with(root));
                if outside {
                    // A spec names its bases inside its own directory: no path may make the
                    // tool read (and quote in errors) an unrelated file.
                    self.error(
                        &origin,
                        format!(
                            "`extends: {base}` points outside the spec's directory {}",
                            self.root
                                .as_ref()
                                .map(|r| r.display().to_string())
                                .unwrap_or_default()
                        ),
                    );
                    Ok(layer)
                } else if stack.contains(&base_canonical) {
                    self.error(&origin, format!("`extends: {base}` forms a cycle"));
                    Ok(layer)
                } else if !base_path.is_file() {
                    self.error(
                        &origin,
                        format!("`extends: {base}`: no such file {}", base_path.display()),
                    );
                    Ok(layer)
                } else {
                    let base_layer = self.layer(&base_path, stack)?;
                    Ok(merge(base_layer, layer))
                }
            }
        };
        stack.pop();
        result
    }
}

/// Applies `overlay` (a file that extends) on top of `base`.
fn merge(base: Layer, overlay: Layer) -> Layer {
    let mut resources = base.resources;
    for r in overlay.resources {
        match resources
            .iter_mut()
            .find(|b| b.kind.name == r.kind.name && b.id == r.id)
        {
            None => resources.push(r),
            Some(b) => {
                if !r.exists {
                    b.exists = false;
                    b.expectations.clear();
                }
                if r.exists && !b.exists {
                    b.exists = true;
                }
                if r.item.is_some() {
                    b.item = r.item;
                    b.item_origin = r.item_origin;
                    b.more_items = r.more_items;
                }
                if !r.exists_items.is_empty() {
                    b.exists_items = r.exists_items;
                }
                if !r.controls.is_empty() {
                    b.controls = r.controls;
                }
                if r.severity.is_some() {
                    b.severity = r.severity;
                }
                if r.region.is_some() {
                    b.region = r.region;
                }
                for e in r.expectations {
                    match b
                        .expectations
                        .iter_mut()
                        .find(|x| x.attribute.name == e.attribute.name)
                    {
                        Some(x) => *x = e,
                        None => b.expectations.push(e),
                    }
                }
                b.origin = r.origin;
            }
        }
    }
    let replace = |base: Vec<((&'static str, String), RegionSet, Origin)>,
                   overlay: Vec<((&'static str, String), RegionSet, Origin)>| {
        let mut all: Vec<_> = base
            .into_iter()
            .filter(|(key, _, _)| !overlay.iter().any(|(k, _, _)| k == key))
            .collect();
        all.extend(overlay);
        all
    };
    let mut region_origins: Vec<((&'static str, String), Origin)> = base
        .region_origins
        .into_iter()
        .filter(|(key, _)| !overlay.region_origins.iter().any(|(k, _)| k == key))
        .collect();
    region_origins.extend(overlay.region_origins);
    Layer {
        parsed: base.parsed && overlay.parsed,
        has_version: overlay.has_version || base.has_version,
        extends: overlay.extends,
        environment: overlay.environment.or(base.environment),
        aws_origin: overlay.aws_origin.or(base.aws_origin),
        expansions: replace(base.expansions, overlay.expansions),
        region_origins,
        aws: AwsSettings {
            regions: if overlay.aws.regions.is_empty() {
                base.aws.regions
            } else {
                overlay.aws.regions
            },
            region: overlay.aws.region.or(base.aws.region),
            profile: overlay.aws.profile.or(base.aws.profile),
            role_arn: overlay.aws.role_arn.or(base.aws.role_arn),
            account_id: overlay.aws.account_id.or(base.aws.account_id),
        },
        resources,
        drift_ignore: {
            let mut all = base.drift_ignore;
            for p in overlay.drift_ignore {
                if !all.contains(&p) {
                    all.push(p);
                }
            }
            all
        },
        dns_servers: if overlay.dns_servers.is_empty() {
            base.dns_servers
        } else {
            overlay.dns_servers
        },
    }
}
