//! The capture logic: exact chunking across resampler and chunk boundaries, sequence numbers,
//! stamps, gaps between files and dropped audio.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use audio_capture::convert::{MonoConverter, output_len};
use audio_capture::playlist::Playlist;
use audio_capture::{Input, Logic, Output, Params, decode_s16le, to_i16};
use embodied_msgs::builtin_interfaces::msg::Time;
use embodied_msgs::msg::AudioChunk;

const CHUNK: usize = 320;

fn chirp(rate: u32, channels: u16, frames: usize) -> Vec<f32> {
    (0..frames)
        .flat_map(|i| {
            let t = i as f64 / f64::from(rate);
            let v = (0.4 * (2.0 * std::f64::consts::PI * (200.0 + 900.0 * t) * t).sin()) as f32;
            (0..channels).map(move |c| if c == 0 { v } else { -0.3 * v })
        })
        .collect()
}

fn one_shot(rate: u32, channels: u16, interleaved: &[f32]) -> Vec<f32> {
    let mut out = Vec::new();
    let mut converter = MonoConverter::new(rate, channels).unwrap();
    converter.push(interleaved, &mut out).unwrap();
    converter.finish(&mut out).unwrap();
    out
}

fn chunks(outputs: Vec<Output>) -> Vec<AudioChunk> {
    outputs
        .into_iter()
        .filter_map(|o| match o {
            Output::Chunk(c) => Some(c),
            Output::Dropped { .. } => None,
        })
        .collect()
}

fn pcm(chunks: &[AudioChunk]) -> Vec<i16> {
    chunks
        .iter()
        .flat_map(|c| {
            c.data
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
        })
        .collect()
}

fn quantised(samples: &[f32]) -> Vec<i16> {
    samples.iter().map(|s| to_i16(*s)).collect()
}

fn time(nanos: i64) -> Time {
    Time::from_nanos(nanos)
}

#[test]
fn chunks_concatenate_to_the_resampled_signal_exactly() {
    for (rate, channels) in [(44_100, 2), (48_000, 1), (16_000, 1), (22_050, 3)] {
        let frames = 41_017;
        let input = chirp(rate, channels, frames);
        let expected = one_shot(rate, channels, &input);
        assert_eq!(expected.len() as u64, output_len(frames as u64, rate));

        let mut logic = Logic::new(&Params::default(), 7);
        let mut out = Vec::new();
        let mut frame = 0usize;
        for size in [1usize, 333, 4096, 17, 960, 1023].iter().cycle() {
            if frame >= frames {
                break;
            }
            let end = (frame + size).min(frames);
            let samples =
                input[frame * usize::from(channels)..end * usize::from(channels)].to_vec();
            let now = time(5_000_000_000 + frame as i64);
            out.extend(
                logic
                    .handle(
                        &now,
                        Input::Frames {
                            sample_rate: rate,
                            channels,
                            first_frame: frame as u64,
                            samples,
                            captured_at: None,
                        },
                    )
                    .unwrap(),
            );
            frame = end;
        }
        out.extend(logic.handle(&time(0), Input::EndOfStream).unwrap());
        let chunks = chunks(out);
        assert_eq!(chunks.len(), expected.len().div_ceil(CHUNK), "{rate} Hz");
        let published = pcm(&chunks);
        assert_eq!(
            &published[..expected.len()],
            &quantised(&expected)[..],
            "{rate} Hz"
        );
        assert!(published[expected.len()..].iter().all(|s| *s == 0));
    }
}

#[test]
fn sequence_stamps_and_fields_follow_the_audio() {
    let params = Params {
        frame_id: "mic_link".into(),
        ..Params::default()
    };
    let mut logic = Logic::new(&params, 42);
    let captured_at = 1_700_000_000_123_456_789;
    let mut chunks_out = Vec::new();
    for block in 0..50u64 {
        // 10 ms device blocks at 48 kHz, captured back to back.
        let first_frame = block * 480;
        let at = captured_at + (block as i64) * 10_000_000;
        chunks_out.extend(chunks(
            logic
                .handle(
                    &time(0),
                    Input::Frames {
                        sample_rate: 48_000,
                        channels: 2,
                        first_frame,
                        samples: vec![0.25; 960],
                        captured_at: Some(time(at)),
                    },
                )
                .unwrap(),
        ));
    }
    assert!(chunks_out.len() >= 23, "{}", chunks_out.len());
    for (index, chunk) in chunks_out.iter().enumerate() {
        assert_eq!(chunk.sequence, index as u64);
        assert_eq!(chunk.stream_id, 42);
        assert_eq!(chunk.sample_rate, 16_000);
        assert_eq!(chunk.channels, 1);
        assert_eq!(chunk.encoding, AudioChunk::ENCODING_PCM_S16LE);
        assert_eq!(chunk.header.frame_id, "mic_link");
        assert_eq!(chunk.data.len(), CHUNK * 2);
        assert_eq!(chunk.duration.as_nanos(), 20_000_000);
        // Capture time of the first sample: the first block's time plus 20 ms per chunk.
        assert_eq!(
            chunk.header.stamp.as_nanos(),
            captured_at + index as i64 * 20_000_000
        );
    }
    // The constant input comes out as the constant, away from the resampler's ramp-in.
    let middle = decode_s16le(&chunks_out[10].data);
    assert!(middle.iter().all(|s| (s - 0.25).abs() < 1e-3));
}

#[test]
fn dropped_frames_show_as_a_sequence_gap_with_consistent_stamps() {
    let mut logic = Logic::new(&Params::default(), 1);
    let start = 10_000_000_000;
    let block = |first_frame: u64| Input::Frames {
        sample_rate: 16_000,
        channels: 1,
        first_frame,
        samples: vec![0.1; 160],
        captured_at: Some(time(start + (first_frame as i64) * 62_500)),
    };
    let mut outputs = Vec::new();
    for first_frame in (0..3200).step_by(160) {
        outputs.extend(logic.handle(&time(0), block(first_frame)).unwrap());
    }
    // 0.5 s (8000 frames) lost in the capture queue, then capture goes on.
    for first_frame in (11_200..14_400).step_by(160) {
        outputs.extend(logic.handle(&time(0), block(first_frame)).unwrap());
    }
    let dropped: Vec<_> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Dropped {
                frames,
                chunks_lost,
            } => Some((*frames, *chunks_lost)),
            Output::Chunk(_) => None,
        })
        .collect();
    assert_eq!(dropped, vec![(8000, 25)]);
    let chunks = chunks(outputs);
    let sequences: Vec<u64> = chunks.iter().map(|c| c.sequence).collect();
    let expected: Vec<u64> = (0..10).chain(35..45).collect();
    assert_eq!(sequences, expected);
    for chunk in &chunks {
        assert_eq!(
            chunk.header.stamp.as_nanos(),
            start + chunk.sequence as i64 * 20_000_000
        );
    }
}

fn write_wav(path: &Path, rate: u32, channels: u16, samples: &[f32]) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for s in samples {
        writer.write_sample(to_i16(*s)).unwrap();
    }
    writer.finalize().unwrap();
}

#[test]
fn files_play_in_order_with_silent_gaps_and_loop() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.wav");
    let second = dir.path().join("second.wav");
    write_wav(&first, 44_100, 2, &chirp(44_100, 2, 30_000));
    write_wav(&second, 16_000, 1, &chirp(16_000, 1, 7_777));
    let first_16k = audio_capture::wav::read_mono_16k(&first).unwrap();
    let second_16k = audio_capture::wav::read_mono_16k(&second).unwrap();

    let gap_s = 0.25;
    let play = |repeat: bool, max_inputs: usize| {
        let mut playlist =
            Playlist::new(vec![first.clone(), second.clone()], gap_s, repeat).unwrap();
        let mut logic = Logic::new(&Params::default(), 3);
        let mut outputs = Vec::new();
        for _ in 0..max_inputs {
            match playlist.next_input().unwrap() {
                Some(input) => outputs.extend(logic.handle(&time(0), input).unwrap()),
                None => break,
            }
        }
        pcm(&chunks(outputs))
    };

    let mut expected = quantised(&first_16k);
    expected.extend(std::iter::repeat_n(0, 4000));
    expected.extend(quantised(&second_16k));
    let published = play(false, 10_000);
    assert_eq!(published.len(), expected.len().div_ceil(CHUNK) * CHUNK);
    assert_eq!(&published[..expected.len()], &expected[..]);

    // Looping: after the second file comes a gap, then the first file again.
    let looped = play(true, 400);
    expected.extend(std::iter::repeat_n(0, 4000));
    expected.extend(quantised(&first_16k));
    assert!(looped.len() > expected.len(), "{}", looped.len());
    assert_eq!(&looped[..expected.len()], &expected[..]);
}

#[test]
fn a_bad_file_in_the_list_is_reported_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.wav");
    write_wav(&good, 16_000, 1, &[0.0; 100]);
    let bad = dir.path().join("bad.wav");
    std::fs::write(&bad, "RIFF nonsense").unwrap();
    let error = Playlist::new(vec![good, bad.clone()], 0.0, false).unwrap_err();
    assert_eq!(error.path(), bad);
}
