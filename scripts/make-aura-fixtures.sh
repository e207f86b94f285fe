#!/bin/sh
# Makes the AURA upload fixtures in src/testing/fixtures/aura: the same 3 s of synthesized English
# speech (espeak-ng, 150 words per minute) as WAV (8 kHz mono PCM16: uploads are resampled to 16 kHz), MP3, M4A (AAC) and OGG (Vorbis).
# Needs espeak-ng and ffmpeg (Debian packages). The committed files are what the tests read; rerun this
# only to change them.
set -eu
out="$(dirname "$0")/../src/testing/fixtures/aura"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
espeak-ng -v en -s 150 -w "$tmp/speech.wav" "Good morning everyone. Today I will talk about our plan."
ffmpeg -v error -y -i "$tmp/speech.wav" -ac 1 -ar 8000 -t 3 -sample_fmt s16 -map_metadata -1 -bitexact "$out/speech.wav"
ffmpeg -v error -y -i "$out/speech.wav" -b:a 32k -map_metadata -1 "$out/speech.mp3"
ffmpeg -v error -y -i "$out/speech.wav" -c:a aac -b:a 32k -map_metadata -1 "$out/speech.m4a"
ffmpeg -v error -y -i "$out/speech.wav" -c:a libvorbis -q:a 0 -map_metadata -1 "$out/speech.ogg"
ls -l "$out"
