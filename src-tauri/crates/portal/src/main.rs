//! `ownchart-portal`: run the demo portal in the foreground (`serve`), or play the person
//! at the browser for an authorize URL (`person`), delivering the redirect to the app.

use clap::{Parser, Subcommand};
use ownchart_portal::person::{self, Delivered};
use ownchart_portal::{IntegratorConfig, PortalConfig, RunningPortal, TestPki};

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
        /// Also run the OneRecord-style integrator simulator (directory, redirector,
        /// integrator) in front of the portal, and print its base URLs and device token.
        #[arg(long)]
        integrator: bool,
        /// Require mutual TLS on the integrator's API: a test CA, server and client
        /// certificates are made now and the client's written to this folder
        /// (ca.pem, client.pem, client-key.pem). Implies --integrator.
        #[arg(long, value_name = "DIR")]
        integrator_mtls: Option<std::path::PathBuf>,
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
        Command::Serve {
            port,
            integrator,
            integrator_mtls,
        } => serve(port, integrator, integrator_mtls),
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

fn serve(
    port: Option<u16>,
    integrator: bool,
    mtls: Option<std::path::PathBuf>,
) -> Result<(), String> {
    let mut sim = (integrator || mtls.is_some()).then(IntegratorConfig::default);
    if let (Some(dir), Some(sim)) = (&mtls, sim.as_mut()) {
        let pki = TestPki::generate().map_err(|e| e.to_string())?;
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        for (name, pem) in [
            ("ca.pem", &pki.ca_pem),
            ("client.pem", &pki.client.certificate_pem),
            ("client-key.pem", &pki.client.private_key_pem),
        ] {
            std::fs::write(dir.join(name), pem).map_err(|e| e.to_string())?;
        }
        sim.tls = Some(pki.server_tls());
    }
    let portal = RunningPortal::start_background(PortalConfig {
        port,
        integrator: sim,
        ..PortalConfig::default()
    })
    .map_err(|e| e.to_string())?;
    println!("Ownchart Demo Portal at {}", portal.origin());
    println!("FHIR R4:    {}", portal.fhir_base_r4());
    println!("FHIR DSTU2: {}", portal.fhir_base_dstu2());
    if let Some(i) = portal.integrator() {
        println!("Integrator directory:  {}", i.directory_base());
        println!("Integrator service:    {}", i.integrator_base());
        println!("Integrator redirector: {}", i.redirector_base());
        println!("Device API access token: {}", i.device_token());
        if let Some(dir) = &mtls {
            println!(
                "Mutual TLS: client certificate and key in {}, trust ca.pem",
                dir.display()
            );
        }
    }
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
