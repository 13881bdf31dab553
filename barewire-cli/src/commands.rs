//! The subcommands: arguments (clap) and what each does.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use barewire::frame::{DEFAULT_MAX_FRAME, FrameReader, PREFIX_LEN, encode_frame};
use barewire::mmap::{HEADER_LEN, ImageHeader, checksum};
use barewire::schema::{ParseOptions, Schema, parse_with};
use barewire::schema::{Report, Verdict, compat};
use barewire::value::Codec;
use barewire::{Error, Reader};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Format, decode, encode and compare BARE schemas and messages.
///
/// Exit status: 0 on success, 1 when a check fails, 2 on bad input.
#[derive(Parser, Debug)]
#[command(name = "barewire", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a schema in the canonical (current) syntax.
    Fmt {
        /// The schema file (`-` for standard input).
        schema: PathBuf,
        #[command(flatten)]
        legacy: Legacy,
    },
    /// Decode BARE messages to JSON, one JSON value per line.
    Decode {
        #[command(flatten)]
        message: MessageArgs,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
        /// The messages (`-` or nothing for standard input).
        #[arg(default_value = "-")]
        file: PathBuf,
    },
    /// Encode JSON values to BARE messages (the reverse of `decode`).
    Encode {
        #[command(flatten)]
        message: MessageArgs,
        /// Where to write the bytes (standard output if not given).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The JSON (`-` or nothing for standard input).
        #[arg(default_value = "-")]
        file: PathBuf,
    },
    /// Compare two versions of a schema: can data written with one be read
    /// with the other?
    ///
    /// Prints the verdict (compatible, backward, forward or breaking) and
    /// each change with its location and reason.
    Compat {
        /// The schema data was written with.
        old: PathBuf,
        /// The schema it is read with.
        new: PathBuf,
        /// Print `{"verdict": ..., "changes": [...], ...}`.
        #[arg(long)]
        json: bool,
        /// Fail (exit status 1) unless the verdict gives this.
        #[arg(long, value_enum)]
        require: Option<Required>,
        #[command(flatten)]
        legacy: Legacy,
    },
    /// Show a layout image file's header, fingerprint, size and checksum
    /// state (the file is read, never mapped); with `--schema` and `--type`,
    /// also the value it holds, as JSON (the form `decode` prints).
    ///
    /// The image is read as laid out by `#[derive(Bare)]` for the Rust types
    /// `barewire gen` makes from the schema (the default layout). The schema
    /// is trusted to match the file: the header's fingerprint is computed
    /// from the Rust type, which is not at hand, so it is printed but not
    /// compared. Every read is bounds-checked, so a wrong schema or a damaged
    /// image gives an error (exit status 2), never garbage beyond the file.
    Inspect {
        /// The image file.
        file: PathBuf,
        /// The schema the image's root type was generated from.
        #[arg(long, short, requires = "type_name")]
        schema: Option<PathBuf>,
        /// The image's root type (a name the schema defines).
        #[arg(long = "type", short = 't', value_name = "TYPE", requires = "schema")]
        type_name: Option<String>,
        #[command(flatten)]
        legacy: Legacy,
    },
    /// Generate Rust types from a schema.
    Gen {
        /// The schema file.
        schema: PathBuf,
        /// Write the code here (standard output if not given).
        #[arg(short, long, conflicts_with = "check")]
        output: Option<PathBuf>,
        /// Fail (exit status 1) if this committed file differs from what
        /// would be generated.
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
        #[command(flatten)]
        legacy: Legacy,
    },
}

#[derive(Args, Debug)]
struct Legacy {
    /// Read the schema in the legacy syntax (`[]T`, `map[K]V`, `(A | B)`,
    /// `enum E { ... }`). Without it, a schema that is not valid in the
    /// current syntax is tried in the legacy one.
    #[arg(long)]
    legacy: bool,
}

#[derive(Args, Debug)]
struct MessageArgs {
    /// The schema file.
    #[arg(long, short)]
    schema: PathBuf,
    /// The type of the messages (a name the schema defines).
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    type_name: String,
    /// Concatenated messages, one after another.
    #[arg(long, conflicts_with = "frames")]
    stream: bool,
    /// Frames: each message after a 4-byte little-endian length, as
    /// `barewire::frame` writes them.
    #[arg(long)]
    frames: bool,
    #[command(flatten)]
    legacy: Legacy,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Required {
    /// New code reads old data.
    Backward,
    /// Old code reads new data.
    Forward,
    /// Both.
    Compatible,
}

/// Why a command did not succeed: the message and the exit status.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

/// Bad input: exit status 2.
fn bad(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 2,
    }
}

/// A check that failed: exit status 1.
fn failed(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 1,
    }
}

type Outcome = Result<(), Failure>;

pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Fmt { schema, legacy } => {
            let schema = load_schema(&schema, &legacy)?;
            out(schema.to_string().as_bytes())
        }
        Command::Decode {
            message,
            pretty,
            file,
        } => decode(&message, pretty, &file),
        Command::Encode {
            message,
            output,
            file,
        } => encode(&message, output.as_deref(), &file),
        Command::Compat {
            old,
            new,
            json,
            require,
            legacy,
        } => {
            let old = load_schema(&old, &legacy)?;
            let new = load_schema(&new, &legacy)?;
            let report = compat(&old, &new);
            if json {
                out(format!("{}\n", report_json(&report)).as_bytes())?;
            } else {
                out(report.to_string().as_bytes())?;
            }
            if let Some(required) = require {
                let required = match required {
                    Required::Backward => Verdict::Backward,
                    Required::Forward => Verdict::Forward,
                    Required::Compatible => Verdict::Compatible,
                };
                if !report.verdict.satisfies(required) {
                    return Err(failed(format!(
                        "the change is {}, {} was required",
                        report.verdict, required
                    )));
                }
            }
            Ok(())
        }
        Command::Inspect {
            file,
            schema,
            type_name,
            legacy,
        } => {
            let root = match (schema, type_name) {
                (Some(schema), Some(type_name)) => Some(Root {
                    schema,
                    type_name,
                    legacy,
                }),
                _ => None,
            };
            inspect(&file, root.as_ref())
        }
        Command::Gen {
            schema,
            output,
            check,
            legacy,
        } => {
            let parsed = load_schema(&schema, &legacy)?;
            let text = read_text(&schema)?;
            let code = crate::generate::generate(&text, &parsed).map_err(bad)?;
            match (output, check) {
                (_, Some(committed)) => {
                    let existing = read_text(&committed)?;
                    if existing != code {
                        return Err(failed(format!(
                            "{} is stale: regenerate it with `barewire gen {} -o {}`",
                            committed.display(),
                            schema.display(),
                            committed.display()
                        )));
                    }
                    Ok(())
                }
                (Some(path), None) => {
                    fs::write(&path, code).map_err(|e| bad(format!("{}: {e}", path.display())))
                }
                (None, None) => out(code.as_bytes()),
            }
        }
    }
}

/// Writes to standard output; a closed pipe is not an error worth a panic.
fn out(bytes: &[u8]) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| bad(format!("writing output: {e}")))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| bad(format!("standard input: {e}")))?;
        Ok(buf)
    } else {
        fs::read(path).map_err(|e| bad(format!("{}: {e}", path.display())))
    }
}

fn read_text(path: &Path) -> Result<String, Failure> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|e| bad(format!("{}: not UTF-8 text: {e}", path.display())))
}

/// Parses a schema file; errors as `file:line:col: message`.
fn load_schema(path: &Path, legacy: &Legacy) -> Result<Schema, Failure> {
    let text = read_text(path)?;
    let shown = if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let located = |e: Error| match e {
        Error::Schema {
            line,
            column,
            message,
        } => bad(format!("{shown}:{line}:{column}: {message}")),
        other => bad(format!("{shown}: {other}")),
    };
    if legacy.legacy {
        return parse_with(&text, ParseOptions::legacy()).map_err(located);
    }
    match parse_with(&text, ParseOptions::default()) {
        Ok(schema) => Ok(schema),
        // Not the current syntax: perhaps the legacy one. If that fails
        // too, the current syntax's error is the one to show.
        Err(current) => parse_with(&text, ParseOptions::legacy()).map_err(|_| located(current)),
    }
}

fn codec_for<'s>(schema: &'s Schema, args: &MessageArgs) -> Result<Codec<'s>, Failure> {
    if schema.def(&args.type_name).is_none() {
        let names: Vec<&str> = schema.defs.iter().map(|d| d.name.as_str()).collect();
        return Err(bad(format!(
            "{}: no type named {:?} (the schema defines {})",
            args.schema.display(),
            args.type_name,
            names.join(", ")
        )));
    }
    Ok(Codec::new(schema))
}

fn decode(args: &MessageArgs, pretty: bool, file: &Path) -> Outcome {
    let schema = load_schema(&args.schema, &args.legacy)?;
    let codec = codec_for(&schema, args)?;
    let input = read_bytes(file)?;
    let ty = args.type_name.as_str();
    let show = |value: &barewire::value::Value| {
        let json = if pretty {
            codec.to_json_pretty(ty, value)
        } else {
            codec.to_json(ty, value)
        };
        json.map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| bad(e.to_string()))
    };
    let mut text = String::new();
    if args.frames {
        let mut frames = FrameReader::new(&input[..]);
        let mut offset = 0usize;
        let mut index = 0usize;
        loop {
            let frame = match frames.read_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => return Err(bad(format!("frame {index} at byte {offset}: {e}"))),
            };
            let value = codec.decode(ty, frame).map_err(|e| {
                bad(format!(
                    "frame {index} (payload at byte {}): {e}",
                    offset + PREFIX_LEN
                ))
            })?;
            offset += PREFIX_LEN + frame.len();
            index += 1;
            text.push_str(&show(&value)?);
        }
    } else if args.stream {
        let mut reader = Reader::with_limits(&input, codec.limits());
        let mut index = 0usize;
        while reader.remaining() > 0 {
            let start = reader.position();
            let value = codec
                .decode_next(ty, &mut reader)
                .map_err(|e| bad(format!("message {index} (at byte {start}): {e}")))?;
            index += 1;
            text.push_str(&show(&value)?);
        }
    } else {
        let value = codec.decode(ty, &input).map_err(|e| bad(e.to_string()))?;
        text.push_str(&show(&value)?);
    }
    out(text.as_bytes())
}

fn encode(args: &MessageArgs, output: Option<&Path>, file: &Path) -> Outcome {
    let schema = load_schema(&args.schema, &args.legacy)?;
    let codec = codec_for(&schema, args)?;
    let text = read_text(file)?;
    let ty = args.type_name.as_str();
    let mut bytes = Vec::new();
    let mut values = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
    let mut index = 0usize;
    loop {
        let json = match values.next() {
            None => break,
            Some(Ok(json)) => json,
            Some(Err(e)) => return Err(bad(format!("JSON value {index}: not JSON: {e}"))),
        };
        let value = codec
            .from_json_value(ty, &json)
            .map_err(|e| bad(format!("JSON value {index}: {e}")))?;
        let message = codec
            .encode(ty, &value)
            .map_err(|e| bad(format!("JSON value {index}: {e}")))?;
        if args.frames {
            encode_frame(&message, &mut bytes, DEFAULT_MAX_FRAME)
                .map_err(|e| bad(format!("JSON value {index}: {e}")))?;
        } else {
            bytes.extend_from_slice(&message);
        }
        index += 1;
        if !args.stream && !args.frames && index > 1 {
            return Err(bad(
                "more than one JSON value: use --stream or --frames for several messages",
            ));
        }
    }
    if index == 0 && !args.stream && !args.frames {
        return Err(bad("no JSON value in the input"));
    }
    match output {
        Some(path) => fs::write(path, &bytes).map_err(|e| bad(format!("{}: {e}", path.display()))),
        None => out(&bytes),
    }
}

fn report_json(report: &Report) -> serde_json::Value {
    use serde_json::json;
    json!({
        "verdict": report.verdict.as_str(),
        "changes": report.changes.iter().map(|c| json!({
            "type": c.type_name,
            "path": c.path,
            "verdict": c.verdict.as_str(),
            "reason": c.reason,
        })).collect::<Vec<_>>(),
        "types": report.types.iter().map(|t| json!({
            "name": t.name,
            "verdict": t.verdict.as_str(),
        })).collect::<Vec<_>>(),
        "added": report.added,
        "removed": report.removed,
    })
}

/// The root type to read an image as: `inspect --schema S --type T`.
struct Root {
    schema: PathBuf,
    type_name: String,
    legacy: Legacy,
}

fn inspect(path: &Path, root: Option<&Root>) -> Outcome {
    // The schema first: a usage error is reported before anything else.
    let schema = match root {
        Some(root) => {
            let schema = load_schema(&root.schema, &root.legacy)?;
            if schema.def(&root.type_name).is_none() {
                let names: Vec<&str> = schema.defs.iter().map(|d| d.name.as_str()).collect();
                return Err(bad(format!(
                    "{}: no type named {:?} (the schema defines {})",
                    root.schema.display(),
                    root.type_name,
                    names.join(", ")
                )));
            }
            Some(schema)
        }
        None => None,
    };
    let bytes = read_bytes(path)?;
    let header = ImageHeader::parse(&bytes).map_err(|e| bad(format!("{}: {e}", path.display())))?;
    let file_len = bytes.len() as u64;
    let expected_len = header.image_len.checked_add(HEADER_LEN as u64);
    let mut text = String::new();
    text.push_str(&format!("file:          {}\n", path.display()));
    text.push_str(&format!("format:        version {}\n", header.version));
    text.push_str(&format!("fingerprint:   {:#018x}\n", header.fingerprint));
    text.push_str(&format!("root align:    {}\n", header.root_align));
    text.push_str(&format!(
        "image length:  {} bytes (file {} bytes, header {HEADER_LEN})\n",
        header.image_len, file_len
    ));
    let mut problem = None;
    let size_ok = expected_len == Some(file_len);
    if !size_ok {
        text.push_str("size:          MISMATCH: the file length is not header + image length\n");
        problem = Some(bad(format!(
            "{}: the header promises {} image bytes, the file has {}",
            path.display(),
            header.image_len,
            file_len.saturating_sub(HEADER_LEN as u64)
        )));
    }
    match bytes.get(HEADER_LEN..).filter(|_| size_ok) {
        Some(image) => {
            let actual = checksum(image);
            if actual == header.checksum {
                text.push_str(&format!("checksum:      ok ({:#018x})\n", header.checksum));
            } else {
                text.push_str(&format!(
                    "checksum:      MISMATCH: header {:#018x}, image {actual:#018x}\n",
                    header.checksum
                ));
                problem = Some(failed(format!("{}: checksum mismatch", path.display())));
            }
        }
        None => text.push_str("checksum:      not checked (size mismatch)\n"),
    }
    if let (Some(root), Some(schema)) = (root, &schema) {
        let ty = root.type_name.as_str();
        text.push_str(&format!(
            "root type:     {ty} (from {}; trusted to match the fingerprint, not compared)\n",
            root.schema.display()
        ));
        let codec = Codec::new(schema);
        match codec.image_layout(ty) {
            Ok((size, align)) if align == usize::from(header.root_align) => {
                text.push_str(&format!("root layout:   {size} bytes, align {align}\n"));
            }
            Ok((size, align)) => {
                text.push_str(&format!(
                    "root layout:   MISMATCH: {ty} is {size} bytes at align {align}, the header says align {}\n",
                    header.root_align
                ));
                problem = problem.or(Some(bad(format!(
                    "{}: the image's root is not a {ty} (alignment {} in the header, {align} for {ty})",
                    path.display(),
                    header.root_align
                ))));
            }
            // Reported below, by the read.
            Err(_) => {}
        }
        match bytes.get(HEADER_LEN..).filter(|_| size_ok) {
            Some(image) => {
                let read = codec
                    .read_image(ty, image)
                    .and_then(|value| codec.to_json_pretty(ty, &value));
                match read {
                    Ok(json) => {
                        text.push_str("value:\n");
                        text.push_str(&json);
                        text.push('\n');
                    }
                    Err(e) => {
                        text.push_str("value:         UNREADABLE as this type\n");
                        problem = problem.or(Some(bad(format!(
                            "{}: the image does not read as {ty}: {e}",
                            path.display()
                        ))));
                    }
                }
            }
            None => text.push_str("value:         not read (size mismatch)\n"),
        }
    }
    out(text.as_bytes())?;
    problem.map_or(Ok(()), Err)
}
