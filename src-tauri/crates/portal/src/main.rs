//! `ownchart-portal`: run the demo portal in the foreground (`serve`), or play the person
//! at the browser for an authorize URL (`person`), delivering the redirect to the app.

use clap::{Parser, Subcommand};
use ownchart_portal::person::{self, Delivered};
use ownchart_portal::{PortalConfig, RunningPortal};

#[derive(Parser)]
#[command(
    name = "ownchart-portal",
    about = "Ownchart's demo and test SMART on FHIR portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the demo portal until interrupted, and print its FHIR bases.
    Serve {
        /// The port on 127.0.0.1 (default: any free port).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Sign in and answer the consent page for an authorize URL, then deliver the redirect.
    Person {
        authorize_url: String,
        #[arg(long, env = "OWNCHART_PERSON_USERNAME", default_value = "demo")]
        username: String,
        #[arg(
            long,
            env = "OWNCHART_PERSON_PASSWORD",
            default_value = "demo",
            hide_env_values = true
        )]
        password: String,
        /// `allow` or `deny`.
        #[arg(long, env = "OWNCHART_PERSON_CONSENT", default_value = "allow")]
        consent: Consent,
        /// The command that receives an `ownchart://` link (as the OS would launch the app);
        /// without it the link is printed.
        #[arg(long, env = "OWNCHART_PERSON_DELIVER")]
        deliver: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Consent {
    Allow,
    Deny,
}

fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve { port } => serve(port),
        Command::Person {
            authorize_url,
            username,
            password,
            consent,
            deliver,
        } => act(
            &authorize_url,
            &username,
            &password,
            consent,
            deliver.as_deref(),
        ),
    };
    if let Err(reason) = outcome {
        eprintln!("ownchart-portal: {reason}");
        std::process::exit(1);
    }
}

fn serve(port: Option<u16>) -> Result<(), String> {
    let portal = RunningPortal::start_background(PortalConfig {
        port,
        ..PortalConfig::default()
    })
    .map_err(|e| e.to_string())?;
    println!("Ownchart Demo Portal at {}", portal.origin());
    println!("FHIR R4:    {}", portal.fhir_base_r4());
    println!("FHIR DSTU2: {}", portal.fhir_base_dstu2());
    println!("Sign in as demo / demo. Press Ctrl-C to stop.");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime
        .block_on(tokio::signal::ctrl_c())
        .map_err(|e| e.to_string())?;
    drop(portal);
    Ok(())
}

fn act(
    url: &str,
    username: &str,
    password: &str,
    consent: Consent,
    command: Option<&str>,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let allow = matches!(consent, Consent::Allow);
        let target = person::log_in(url, username, password, allow)
            .await
            .map_err(|e| e.to_string())?;
        match person::deliver(&target, command)
            .await
            .map_err(|e| e.to_string())?
        {
            Delivered::NotDelivered => println!("{target}"),
            Delivered::Launched | Delivered::Fetched(_) => {}
        }
        Ok(())
    })
}
