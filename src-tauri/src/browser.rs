//! Opening a portal's sign-in page in the patient's system browser — never in
//! the app's webview, where the app could see what they type (TM-08).
//!
//! `BROWSER`, when set, is honoured the way xdg-open and many tools do (the first
//! of its `:`-separated commands; `%s` stands for the URL, else the URL is
//! appended): patients who prefer another browser get it, and tests plug in a
//! scripted person there. Otherwise the OS default browser opens it.

use std::process::{Command, Stdio};

use url::Url;

pub fn open(url: &Url) -> Result<(), String> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err("only web addresses are opened in the browser".to_owned());
    }
    match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(browser) => run_browser_command(&browser, url.as_str()),
        None => tauri_plugin_opener::open_url(url.as_str(), None::<&str>)
            .map_err(|e| format!("the default browser could not be started ({e})")),
    }
}

fn run_browser_command(browser: &str, url: &str) -> Result<(), String> {
    let first = browser
        .split(':')
        .find(|c| !c.trim().is_empty())
        .unwrap_or("");
    let mut words = first.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| "BROWSER names no command".to_owned())?;
    let mut args: Vec<String> = words.map(str::to_owned).collect();
    if args.iter().any(|a| a.contains("%s")) {
        args.iter_mut().for_each(|a| *a = a.replace("%s", url));
    } else {
        args.push(url.to_owned());
    }
    let mut child = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("the browser command could not be started ({e})"))?;
    // Reap it whenever it ends, so it never lingers as a zombie.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_web_addresses_are_opened() {
        assert!(open(&Url::parse("file:///etc/passwd").unwrap()).is_err());
        assert!(open(&Url::parse("ownchart://callback").unwrap()).is_err());
    }

    #[test]
    fn the_browser_command_receives_the_url_as_one_argument() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got");
        let script = dir.path().join("browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s' \"$1\" > {}\n", out.display()),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let url = "https://portal.example/authorize?a=1&state=x y";
        run_browser_command(&format!("{}:/usr/bin/false", script.display()), url).unwrap();
        for _ in 0..100 {
            if out.exists() && !std::fs::read_to_string(&out).unwrap().is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(std::fs::read_to_string(&out).unwrap(), url);
    }
}
