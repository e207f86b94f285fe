#!/usr/bin/env bash
# Makes src/testing/fixtures/hello-24k.wav: a short English utterance synthesised by espeak-ng,
# converted to PCM16 mono 24 kHz (the Socket.IO default) by sox, with 300 ms of silence around it.
# Needs: apt-get install espeak-ng sox
set -euo pipefail
out="$(dirname "$0")/../src/testing/fixtures/hello-24k.wav"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 160 -w "$tmp/raw.wav" "Hello, I would like to practice my English today."
sox "$tmp/raw.wav" -r 24000 -c 1 -b 16 -e signed-integer "$out" pad 0.3 0.3
soxi "$out"
