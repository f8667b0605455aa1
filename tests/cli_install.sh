#!/usr/bin/env bash
# `cmake --install` gives a usable library: the header, carcer.pc and the
# shared library let a program outside the tree build and run the embedded
# default scenario, and the installed tool runs. Usage: cli_install.sh CARCER SOURCE_DIR
set -eu
build=$(dirname "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in include/carcer/carcer.h lib/pkgconfig/carcer.pc bin/carcer share/man/man1/carcer.1; do
    [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
ls "$tmp/prefix"/lib/libcarcer.so* >/dev/null || { echo "FAIL: no shared library"; exit 1; }
# only the public API is exported: none of the internal cc_ functions
# (a coverage build adds gcov's own runtime symbols, which are not ours)
syms=$(nm -D --defined-only "$tmp/prefix"/lib/libcarcer.so | awk '{print $3}')
if echo "$syms" | grep -q '^cc_'; then
    echo "FAIL: the shared library exports internal symbols:"
    echo "$syms" | grep '^cc_' | head
    exit 1
fi
echo "$syms" | grep -qx carcer_run || { echo "FAIL: carcer_run is not exported"; exit 1; }
cat >"$tmp/embed.c" <<'C'
#include <carcer/carcer.h>
#include <stdio.h>
int main(void)
{
    carcer_diag *diag = carcer_diag_new();
    carcer_scenario *sc = NULL;
    const char *set[] = {"days=60"};
    int ok = 0;
    if (carcer_scenario_load(NULL, set, 1, diag, &sc) == CARCER_OK) {
        carcer_run_options opt = carcer_run_options_default();
        carcer_results *res = NULL;
        if (carcer_run(sc, &opt, diag, &res) == CARCER_OK)
            ok = carcer_results_metric(res, "population_start", 0) > 20000;
        carcer_results_free(res);
    }
    carcer_scenario_free(sc);
    carcer_diag_free(diag);
    puts(ok ? "ok" : "failed");
    return !ok;
}
C
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# a sanitizer build of the library needs the same runtime in the program
san=""
nm -D "$tmp/prefix"/lib/libcarcer.so | grep -q __asan_ && san="-fsanitize=address,undefined"
cc -std=c11 -Wall -Werror $san "$tmp/embed.c" $(pkg-config --cflags --libs carcer) -o "$tmp/embed"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/embed"
"$tmp/prefix/bin/carcer" version | grep -q '^carcer ' || { echo "FAIL: installed tool"; exit 1; }
echo "install checks passed"
