//! Line charts as PNG files (loss curves, latency against context) with plotters' bitmap
//! backend.
//!
//! Text needs a system font (plotters' `ttf` feature finds one through fontconfig; Debian's
//! DejaVu fonts are on our machines). Where none is found the chart is drawn again without any
//! text, so a missing font never fails a training run or a benchmark.

use std::path::Path;

use plotters::prelude::*;

use crate::error::{Error, Result};

/// One named line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// (x, y) points in drawing order.
    pub points: Vec<(f64, f64)>,
}

/// How the x axis is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XScale {
    /// Linear.
    Linear,
    /// Logarithmic base 2 (context lengths).
    Log2,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Title above the chart.
    pub title: String,
    /// X axis description.
    pub x_label: String,
    /// Y axis description.
    pub y_label: String,
    /// X axis scale.
    pub x_scale: XScale,
    /// The lines.
    pub series: Vec<Series>,
}

/// Whether the chart has text (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// Title, axis labels and legend.
    WithText,
    /// Lines and frame only (no font available).
    NoText,
}

const SIZE: (u32, u32) = (900, 560);

fn plot_error(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::Plot {
        path: path.to_path_buf(),
        reason: err.to_string(),
    }
}

impl LineChart {
    fn x_of(&self, x: f64) -> f64 {
        match self.x_scale {
            XScale::Linear => x,
            XScale::Log2 => x.max(f64::MIN_POSITIVE).log2(),
        }
    }

    /// Upper left when the lines mostly rise (latency), upper right when they fall (loss).
    fn legend_position(&self) -> SeriesLabelPosition {
        let rising = self
            .series
            .iter()
            .filter_map(|s| Some(s.points.last()?.1 > s.points.first()?.1))
            .filter(|&r| r)
            .count();
        if 2 * rising > self.series.len() {
            SeriesLabelPosition::UpperLeft
        } else {
            SeriesLabelPosition::UpperRight
        }
    }

    fn ranges(&self) -> Option<(std::ops::Range<f64>, std::ops::Range<f64>)> {
        let points = || {
            self.series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|(x, y)| x.is_finite() && y.is_finite())
        };
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in points() {
            let x = self.x_of(x);
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if x0 > x1 {
            return None;
        }
        let pad_x = ((x1 - x0) * 0.03).max(1e-9);
        let pad_y = ((y1 - y0) * 0.08).max(1e-6);
        Some((x0 - pad_x..x1 + pad_x, y0 - pad_y..y1 + pad_y))
    }

    /// Writes the chart as a PNG; returns whether text was drawn.
    ///
    /// # Errors
    /// [`Error::Plot`] when there is nothing to draw or the file cannot be written.
    pub fn save_png(&self, path: &Path) -> Result<TextMode> {
        match self.draw(path, TextMode::WithText) {
            Ok(()) => Ok(TextMode::WithText),
            Err(with_text) => {
                tracing::warn!(path = %path.display(), error = %with_text, "plot without text");
                self.draw(path, TextMode::NoText)?;
                Ok(TextMode::NoText)
            }
        }
    }

    fn draw(&self, path: &Path, mode: TextMode) -> Result<()> {
        let (x_range, y_range) = self
            .ranges()
            .ok_or_else(|| plot_error(path, "no finite points to draw"))?;
        let err = |e: &dyn std::fmt::Display| plot_error(path, e);
        let root = BitMapBackend::new(path, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut builder = ChartBuilder::on(&root);
        builder.margin(16);
        if mode == TextMode::WithText {
            builder
                .caption(&self.title, ("sans-serif", 24))
                .x_label_area_size(48)
                .y_label_area_size(72);
        }
        let mut chart = builder
            .build_cartesian_2d(x_range, y_range)
            .map_err(|e| err(&e))?;
        let scale = self.x_scale;
        if mode == TextMode::WithText {
            let x_fmt = move |x: &f64| match scale {
                XScale::Linear => format!("{x:.0}"),
                XScale::Log2 => format!("{:.0}", x.exp2()),
            };
            chart
                .configure_mesh()
                .x_desc(self.x_label.as_str())
                .y_desc(self.y_label.as_str())
                .x_label_formatter(&x_fmt)
                .draw()
                .map_err(|e| err(&e))?;
        } else {
            chart
                .plotting_area()
                .draw(&Rectangle::new(
                    [
                        (chart.x_range().start, chart.y_range().start),
                        (chart.x_range().end, chart.y_range().end),
                    ],
                    BLACK.stroke_width(1),
                ))
                .map_err(|e| err(&e))?;
        }
        for (i, series) in self.series.iter().enumerate() {
            let colour = Palette99::pick(i).to_rgba();
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|&(x, y)| (self.x_of(x), y))
                .collect();
            let drawn = chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(|e| err(&e))?;
            if mode == TextMode::WithText {
                drawn.label(series.label.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                });
            }
            if points.len() <= 32 {
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                    .map_err(|e| err(&e))?;
            }
        }
        if mode == TextMode::WithText {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(self.legend_position())
                .draw()
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_png_with_two_series() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        let chart = LineChart {
            title: "latency".into(),
            x_label: "context".into(),
            y_label: "ms".into(),
            x_scale: XScale::Log2,
            series: vec![
                Series {
                    label: "a".into(),
                    points: vec![(256.0, 1.0), (1024.0, 1.1), (16384.0, 1.2)],
                },
                Series {
                    label: "b".into(),
                    points: vec![(256.0, 2.0), (1024.0, 4.0), (16384.0, f64::NAN)],
                },
            ],
        };
        chart.save_png(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        let empty = LineChart {
            series: vec![],
            ..chart
        };
        assert!(matches!(empty.save_png(&path), Err(Error::Plot { .. })));
    }
}
