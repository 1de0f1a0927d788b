//! The workbench in a real pseudo-terminal: the `blastwall` binary runs in a pty
//! (portable-pty), a reader thread feeds everything it writes to a vt100 parser, and the tests
//! type keys and wait for text on the parsed screen.
//!
//! Every [`Tui`] has a tempdir of its own: HOME, XDG_DATA_HOME and XDG_CONFIG_HOME point into
//! it, and its workspace is prepared there with the CLI (`import` + `plan apply` of the
//! Northwind sample estate) before the workbench starts, so tests run in parallel and never
//! touch the user's data directory. Dropping a [`Tui`] kills the child.
//!
//! Waits poll the screen until the text shows or the timeout passes; a timeout is an error
//! carrying the last screen, never a panic.
#![allow(dead_code)] // not every test uses every helper

pub mod workbench;
use std::error::Error;
use std::fmt;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

pub type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// A generous wait for anything the workbench does (debug builds on a busy machine).
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The OS user the workbench and the CLI run as (`USER`): the audit trail's WHO.
pub const USER: &str = "alice";

/// How often a wait looks at the screen again.
const POLL: Duration = Duration::from_millis(25);

/// The sample estate's directory in the repository.
pub fn northwind() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-estates/northwind")
}

/// A terminal size, columns × rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub cols: u16,
    pub rows: u16,
}

impl Size {
    /// Rows and columns as the vt100 parser takes them.
    fn dimensions(self) -> TestResult<(NonZeroU16, NonZeroU16)> {
        let rows = NonZeroU16::new(self.rows).ok_or("a terminal needs rows")?;
        let cols = NonZeroU16::new(self.cols).ok_or("a terminal needs columns")?;
        Ok((rows, cols))
    }
}

/// The classic terminal.
pub const SMALL: Size = Size { cols: 80, rows: 24 };
/// A roomy one, where every title and pane fits.
pub const LARGE: Size = Size {
    cols: 160,
    rows: 48,
};

/// A key that is not plain text, sent as the escape sequence an xterm sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Esc,
    Enter,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    /// Ctrl and a letter (`Ctrl('r')`).
    Ctrl(char),
    Char(char),
}

impl Key {
    /// The bytes a terminal sends for the key.
    pub fn bytes(self) -> Vec<u8> {
        let text: &str = match self {
            Key::Esc => "\x1b",
            Key::Enter => "\r",
            Key::Tab => "\t",
            Key::BackTab => "\x1b[Z",
            Key::Backspace => "\x7f",
            Key::Up => "\x1b[A",
            Key::Down => "\x1b[B",
            Key::Right => "\x1b[C",
            Key::Left => "\x1b[D",
            Key::Home => "\x1b[H",
            Key::End => "\x1b[F",
            Key::PageUp => "\x1b[5~",
            Key::PageDown => "\x1b[6~",
            Key::Ctrl(c) => return vec![(c.to_ascii_lowercase() as u8) & 0x1f],
            Key::Char(c) => return c.to_string().into_bytes(),
        };
        text.as_bytes().to_vec()
    }
}

/// A wait that ran out of time: what was awaited, and the screen at the end.
pub struct WaitError {
    pub what: String,
    pub waited: Duration,
    pub screen: String,
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "timed out after {:.1?} waiting for {}; last screen:",
            self.waited, self.what
        )?;
        writeln!(f, "{}", "-".repeat(40))?;
        writeln!(f, "{}", self.screen)?;
        write!(f, "{}", "-".repeat(40))
    }
}

/// A test returning the error prints it with `Debug`: show the screen as it was, not escaped.
impl fmt::Debug for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Error for WaitError {}

fn error(message: impl Into<String>) -> Box<dyn Error> {
    message.into().into()
}

/// A poisoned lock still holds the bytes read so far; a test wants to see them.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the reader thread shares: the parsed screen and every byte the child wrote.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

/// A workspace with the Northwind estate and its plan, in a tempdir that is also the child's
/// HOME. The plan is applied from a copy inside the tempdir, so even a `w` (write the plan back)
/// would never touch the repository.
pub struct Prepared {
    pub dir: TempDir,
    pub workspace: PathBuf,
}

impl Prepared {
    /// Imports the sample estate (inventories, topology, flows) and applies its plan with the CLI.
    pub fn northwind() -> TestResult<Prepared> {
        let dir = tempfile::tempdir()?;
        let workspace = dir.path().join("northwind.blastwall");
        let estate = northwind();
        let plan = dir.path().join("plan.yaml");
        std::fs::copy(estate.join("plan.yaml"), &plan)?;
        let prepared = Prepared { dir, workspace };
        let mut import: Vec<PathBuf> = ["topology.yaml", "cmdb.csv", "aws", "k8s", "flows"]
            .iter()
            .map(|name| estate.join(name))
            .collect();
        import.insert(0, PathBuf::from("import"));
        prepared.cli(&import)?;
        prepared.cli(&[PathBuf::from("plan"), PathBuf::from("apply"), plan])?;
        Ok(prepared)
    }

    /// Runs the CLI on the workspace, in the same clean environment as the workbench.
    pub fn cli(&self, args: &[PathBuf]) -> TestResult<String> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_blastwall"));
        command
            .arg("--workspace")
            .arg(&self.workspace)
            .args(args)
            .env_clear()
            .current_dir(self.dir.path());
        for (key, value) in self.env() {
            command.env(key, value);
        }
        let out = command.output()?;
        if !out.status.success() {
            return Err(error(format!(
                "blastwall {args:?} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The child's environment: nothing inherited but PATH; home, data and config in the tempdir,
    /// and [`USER`] as the user.
    fn env(&self) -> Vec<(String, PathBuf)> {
        let home = self.dir.path();
        let mut env = vec![
            ("HOME".to_string(), home.to_path_buf()),
            ("XDG_DATA_HOME".to_string(), home.join("data")),
            ("XDG_CONFIG_HOME".to_string(), home.join("config")),
            ("XDG_CACHE_HOME".to_string(), home.join("cache")),
            ("TERM".to_string(), PathBuf::from("xterm-256color")),
            ("LANG".to_string(), PathBuf::from("C.UTF-8")),
            ("USER".to_string(), PathBuf::from(USER)),
        ];
        if let Some(path) = std::env::var_os("PATH") {
            env.push(("PATH".to_string(), PathBuf::from(path)));
        }
        env
    }
}

/// The workbench running in a pseudo-terminal.
pub struct Tui {
    child: ChildGuard,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    output: Arc<Mutex<Output>>,
    /// Told when the reader thread has read everything (end of file or an error).
    reader_done: Receiver<()>,
    reader_finished: bool,
    exited: Option<ExitStatus>,
    /// Last: the tempdir goes once the child is dead.
    pub prepared: Prepared,
}

impl Tui {
    /// The workbench on a freshly prepared Northwind workspace.
    pub fn start(size: Size) -> TestResult<Tui> {
        Tui::start_with(size, &[])
    }

    /// The same, with extra arguments after `--workspace PATH`.
    pub fn start_with(size: Size, args: &[&str]) -> TestResult<Tui> {
        Tui::spawn(Prepared::northwind()?, size, args)
    }

    /// Starts the binary on a prepared workspace: `blastwall --workspace PATH ARGS…`.
    pub fn spawn(prepared: Prepared, size: Size, args: &[&str]) -> TestResult<Tui> {
        let (rows, cols) = size.dimensions()?;
        let pair = native_pty_system().openpty(PtySize {
            rows: size.rows,
            cols: size.cols,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_blastwall"));
        command.env_clear();
        for (key, value) in prepared.env() {
            command.env(key, value);
        }
        command.cwd(prepared.dir.path());
        command.arg("--workspace");
        command.arg(&prepared.workspace);
        command.args(args);
        let child = pair.slave.spawn_command(command)?;
        // Only the child holds the slave now, so the reader sees the end when it exits.
        drop(pair.slave);
        let master = pair.master;
        let mut reader = master.try_clone_reader()?;
        let writer = master.take_writer()?;
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
        }));
        let shared = Arc::clone(&output);
        let (done_tx, reader_done) = mpsc::channel();
        thread::Builder::new()
            .name("pty-reader".into())
            .spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let mut out = lock(&shared);
                            out.raw.extend_from_slice(&buf[..n]);
                            out.parser.process(&buf[..n]);
                        }
                    }
                }
                let _ = done_tx.send(());
            })?;
        Ok(Tui {
            child: ChildGuard(child),
            writer,
            master,
            output,
            reader_done,
            reader_finished: false,
            exited: None,
            prepared,
        })
    }

    /// Types text: each character as its key (`"3"`, `"pay"`, `"?"`).
    pub fn send_keys(&mut self, text: &str) -> TestResult {
        self.writer.write_all(text.as_bytes())?;
        self.writer.flush()?;
        Ok(())
    }

    /// Sends one key. After Esc the harness pauses briefly: a terminal cannot tell Esc followed
    /// at once by `x` from Alt-x, and neither can crossterm.
    pub fn send_key(&mut self, key: Key) -> TestResult {
        self.writer.write_all(&key.bytes())?;
        self.writer.flush()?;
        if key == Key::Esc {
            thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// The screen's text now (the alternate screen while the workbench runs).
    pub fn contents(&self) -> String {
        lock(&self.output).parser.screen().contents()
    }

    /// Everything the child wrote so far, escape sequences included.
    pub fn raw_output(&self) -> Vec<u8> {
        lock(&self.output).raw.clone()
    }

    /// Whether the raw output contains `sequence`.
    pub fn output_contains(&self, sequence: &str) -> bool {
        let needle = sequence.as_bytes();
        lock(&self.output)
            .raw
            .windows(needle.len())
            .any(|w| w == needle)
    }

    pub fn alternate_screen(&self) -> bool {
        lock(&self.output).parser.screen().alternate_screen()
    }

    pub fn cursor_hidden(&self) -> bool {
        lock(&self.output).parser.screen().hide_cursor()
    }

    /// Waits until the screen contains `text`; returns the screen's contents.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> TestResult<String> {
        self.wait_until(&format!("{text:?}"), timeout, |screen| {
            screen.contains(text)
        })
    }

    /// Waits until every one of `texts` is on the screen at once.
    pub fn wait_for_all(&self, texts: &[&str], timeout: Duration) -> TestResult<String> {
        self.wait_until(&format!("all of {texts:?}"), timeout, |screen| {
            texts.iter().all(|t| screen.contains(t))
        })
    }

    /// Waits until `text` is no longer on the screen.
    pub fn wait_gone(&self, text: &str, timeout: Duration) -> TestResult<String> {
        self.wait_until(&format!("{text:?} to go"), timeout, |screen| {
            !screen.contains(text)
        })
    }

    /// Waits until `ready` holds for the screen's contents; `what` names it in the error.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> TestResult<String> {
        let start = Instant::now();
        loop {
            let screen = self.contents();
            if ready(&screen) {
                return Ok(screen);
            }
            if start.elapsed() >= timeout {
                return Err(Box::new(WaitError {
                    what: what.to_string(),
                    waited: start.elapsed(),
                    screen,
                }));
            }
            thread::sleep(POLL);
        }
    }

    /// Waits for the child to exit, then for the reader to take the last of its output.
    pub fn wait_exit(&mut self, timeout: Duration) -> TestResult<ExitStatus> {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.0.try_wait()? {
                break status;
            }
            if start.elapsed() >= timeout {
                return Err(Box::new(WaitError {
                    what: "the workbench to exit".to_string(),
                    waited: start.elapsed(),
                    screen: self.contents(),
                }));
            }
            thread::sleep(POLL);
        };
        self.exited = Some(status.clone());
        let left = timeout.saturating_sub(start.elapsed()).max(POLL);
        match self.reader_done.recv_timeout(left) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => self.reader_finished = true,
            Err(RecvTimeoutError::Timeout) => {
                return Err(error("the child exited but its output did not end"));
            }
        }
        Ok(status)
    }

    /// Tells the child its terminal changed size (SIGWINCH) and resizes the parsed screen.
    pub fn resize(&mut self, size: Size) -> TestResult {
        let (rows, cols) = size.dimensions()?;
        lock(&self.output).parser.screen_mut().set_size(rows, cols);
        self.master.resize(PtySize {
            rows: size.rows,
            cols: size.cols,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        Ok(())
    }
}

impl Tui {
    /// The workspace, once the workbench is done with it (a running child is killed): to start
    /// the workbench again on it with [`Tui::spawn`].
    pub fn into_prepared(self) -> Prepared {
        self.prepared
    }
}

/// The child process, killed when dropped if it still runs: a test that failed half-way leaves
/// no process behind. First among [`Tui`]'s fields, so it goes before the tempdir.
struct ChildGuard(Box<dyn Child + Send + Sync>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}
