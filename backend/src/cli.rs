//! The command line of SPEC §8: `serve`, `migrate`, `create-user`.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;

use crate::settings::{self, Settings};
use crate::{app, db, users};

#[derive(Debug, Parser)]
#[command(
    name = "dtpilot",
    version,
    about = "中小企业数字化转型城市试点管理平台 / SME digital-transformation pilot platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (migrates first).
    Serve(ServeArgs),
    /// Apply the database migrations.
    Migrate(DbArgs),
    /// Create a user; the password is read from standard input.
    CreateUser(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// `sqlite:PATH`, `sqlite://PATH`, a plain path, or `postgres://…`. Default: SQLite in the data dir.
    #[arg(long, env = "DTPILOT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where dtpilot keeps its files (the default SQLite database, uploads, keys).
    #[arg(long, env = "DTPILOT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, env = "DTPILOT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// A policy profile file (TOML); default: the shipped changzhi-2025.
    #[arg(long, env = "DTPILOT_POLICY")]
    pub policy: Option<PathBuf>,
    /// Database connections in the pool.
    #[arg(long, env = "DTPILOT_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "DTPILOT_ACCESS_TTL", default_value_t = 900)]
    pub access_ttl: u64,
    /// Fill an empty database with a demo (every role's account printed at start); skipped when
    /// the database already has users.
    #[arg(long)]
    pub demo: bool,
    /// Let `--demo` listen on a non-loopback address (its passwords are printed and the same for
    /// every account: anyone who can reach the address can sign in as any role).
    #[arg(long, requires = "demo")]
    pub demo_public: bool,
    /// Send `Strict-Transport-Security` (when the server is reached over HTTPS, e.g. behind a
    /// TLS-terminating proxy).
    #[arg(long, env = "DTPILOT_HSTS")]
    pub hsts: bool,
    /// The built frontend (`cargo run -p xtask -- frontend`), served at `/`.
    #[arg(long, env = "DTPILOT_STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub username: String,
    /// enterprise, provider, county, city, finance, evaluator or admin.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Shown in the interface; default: the username.
    #[arg(long)]
    pub display_name: Option<String>,
    /// For the county role: the county code (e.g. luzhou).
    #[arg(long, value_parser = parse_county)]
    pub county: Option<County>,
    #[arg(long)]
    pub enterprise_id: Option<i64>,
    #[arg(long)]
    pub provider_id: Option<i64>,
    /// Read the password as one line of standard input (required: passwords never go on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| {
        format!("unknown role {s:?}; one of enterprise, provider, county, city, finance, evaluator, admin")
    })
}

fn parse_county(s: &str) -> Result<County, String> {
    County::from_code(s).ok_or_else(|| {
        let codes: Vec<_> = County::ALL.iter().map(|c| c.code()).collect();
        format!("unknown county {s:?}; one of {}", codes.join(", "))
    })
}

/// One line of standard input without its trailing newline (`\n` or `\r\n`).
pub fn read_password_line(input: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| format!("无法读取密码: {e}"))?;
    let line = line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).unwrap_or(&line);
    if line.is_empty() {
        return Err("密码为空:请在标准输入中提供一行密码".into());
    }
    Ok(line.to_string())
}

fn migrated_pool(db: &DbArgs) -> Result<db::DbPool, String> {
    let url = settings::database_url(db.database_url.as_deref(), &db.data_dir)?;
    let pool = db::connect(&url, 2).map_err(|e| format!("无法连接数据库 {url}: {e}"))?;
    let applied = db::run_migrations(&pool).map_err(|e| format!("数据库迁移失败: {e}"))?;
    for name in applied {
        eprintln!("migration applied: {name}");
    }
    Ok(pool)
}

fn run_command(command: Command) -> Result<(), String> {
    match command {
        Command::Serve(args) => {
            let database_url = settings::database_url(args.db.database_url.as_deref(), &args.db.data_dir)?;
            let profile = settings::policy_profile(args.policy.as_deref())?;
            let settings = Settings {
                bind: args.bind,
                database_url,
                data_dir: args.db.data_dir,
                profile,
                pool_size: args.pool_size,
                jwt_secret: std::env::var("DTPILOT_JWT_SECRET").ok().filter(|s| !s.is_empty()),
                access_ttl_secs: args.access_ttl,
                demo: args.demo,
                demo_public: args.demo_public,
                hsts: args.hsts,
                static_dir: args.static_dir,
            };
            actix_web::rt::System::new().block_on(app::serve(settings))
        }
        Command::Migrate(args) => {
            migrated_pool(&args)?;
            println!("migrations up to date");
            Ok(())
        }
        Command::CreateUser(args) => {
            let password = read_password_line(&mut std::io::stdin().lock())?;
            let pool = migrated_pool(&args.db)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let new = users::NewUser {
                display_name: args.display_name.unwrap_or_else(|| args.username.clone()),
                username: args.username,
                password,
                role: args.role,
                county: args.county,
                enterprise_id: args.enterprise_id,
                provider_id: args.provider_id,
            };
            // Audited as `user.create` by the platform itself (no actor), in the same transaction.
            let user = users::create_user_by(&mut conn, new, None).map_err(|e| e.to_string())?;
            println!("created user {} (id {}, role {})", user.username, user.id, user.role);
            Ok(())
        }
    }
}

/// Run the command; errors go to stderr in one line, exit code 1.
pub fn run(cli: Cli) -> ExitCode {
    match run_command(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dtpilot: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_line_loses_only_its_trailing_newline() {
        let read = |s: &str| read_password_line(&mut s.as_bytes());
        assert_eq!(read("secret pw\n"), Ok("secret pw".into()));
        assert_eq!(read("secret pw\r\n"), Ok("secret pw".into()));
        assert_eq!(read(" pw \n second line\n"), Ok(" pw ".into()));
        assert_eq!(read("no newline"), Ok("no newline".into()));
        assert!(read("\n").is_err());
        assert!(read("").is_err());
    }

    #[test]
    fn cli_parses_spec_forms() {
        let cli = Cli::try_parse_from([
            "dtpilot",
            "create-user",
            "--username",
            "a",
            "--role",
            "county",
            "--county",
            "luzhou",
            "--password-stdin",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::CreateUser(CreateUserArgs { role: Role::County, county: Some(County::Luzhou), .. })
        ));
        assert!(
            Cli::try_parse_from(["dtpilot", "create-user", "--username", "a", "--role", "mayor", "--password-stdin"])
                .is_err()
        );
        assert!(Cli::try_parse_from(["dtpilot", "create-user", "--username", "a", "--role", "admin"]).is_err());
        let cli =
            Cli::try_parse_from(["dtpilot", "serve", "--bind", "127.0.0.1:0", "--database-url", "sqlite::memory:"])
                .unwrap();
        assert!(matches!(cli.command, Command::Serve(_)));
    }
}
