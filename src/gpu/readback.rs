//! A non-blocking readback: a MAP_READ staging buffer, mapped after the copy is submitted; the
//! map callback (resolved by the browser's event loop, or `device.poll` natively) flips a flag
//! that the owner polls. Never blocks, never maps twice.

use std::sync::{Arc, Mutex};

type MapResult = Arc<Mutex<Option<Result<(), String>>>>;

pub struct Readback {
    buf: wgpu::Buffer,
    state: MapResult,
    pending: Option<(u64, bool)>,
}

impl Readback {
    pub fn new(device: &wgpu::Device, bytes: u64) -> Self {
        let buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: bytes.max(16).next_multiple_of(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Readback { buf, state: Arc::new(Mutex::new(None)), pending: None }
    }
    pub fn buffer(&self) -> &wgpu::Buffer {
        &self.buf
    }
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
    /// Start mapping (call right after submitting the copy). `tag` travels with the result.
    pub fn request(&mut self, step: u64, flag: bool) {
        let st = self.state.clone();
        self.buf.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            if let Ok(mut g) = st.lock() {
                *g = Some(r.map_err(|e| format!("readback failed: {e}")));
            }
        });
        self.pending = Some((step, flag));
    }
    /// The data as f32, once mapped; unmaps so it can be reused.
    pub fn take(&mut self) -> crate::engine::Polled<(Vec<f32>, u64, bool)> {
        let (step, flag) = self.pending?;
        let r = self.state.lock().ok()?.take()?;
        self.pending = None;
        if let Err(e) = r {
            return Some(Err(e));
        }
        let out = match self.buf.slice(..).get_mapped_range() {
            Ok(view) => Ok((bytemuck::cast_slice::<u8, f32>(&view).to_vec(), step, flag)),
            Err(e) => Err(format!("readback failed: {e:?}")),
        };
        self.buf.unmap();
        Some(out)
    }
}
