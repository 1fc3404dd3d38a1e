fn main() {
    // The default theme is embedded with include_dir!, which does not tell Cargo to watch it.
    println!("cargo:rerun-if-changed=themes/default");
}
