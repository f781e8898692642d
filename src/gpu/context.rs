//! The wgpu context: instance, adapter, device and queue, requested with the adapter's own limits
//! (wgpu's defaults cap storage bindings at 128 MiB; DESIGN.md §7). WebGPU in the browser,
//! Vulkan natively (lavapipe in CI).

use std::sync::Arc;

/// A device ready for Grokpad's kernels.
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub limits: wgpu::Limits,
    /// Human-readable adapter name (name, or vendor/architecture when the name is empty).
    pub label: String,
    /// Set by the device-lost callback or an uncaptured error.
    pub lost: Arc<std::sync::Mutex<Option<String>>>,
    /// The compiled kernels, made on first use and shared by every plan on this device (a
    /// sweep builds one backend per group: its pipelines are compiled once).
    kernels: std::sync::OnceLock<Arc<super::kernels::Kernels>>,
}

impl GpuContext {
    /// Request an adapter and a device with the adapter's limits. `Err` says why not (no
    /// adapter: WebGPU off or unsupported; no device).
    pub async fn new() -> Result<Self, String> {
        let desc = if cfg!(target_arch = "wasm32") {
            wgpu::InstanceDescriptor {
                backends: wgpu::Backends::BROWSER_WEBGPU,
                ..wgpu::InstanceDescriptor::new_without_display_handle()
            }
        } else {
            wgpu::InstanceDescriptor::new_without_display_handle_from_env()
        };
        let instance = wgpu::Instance::new(desc);
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("no GPU adapter ({e})"))?;
        let info = adapter.get_info();
        let mut label = info.name.trim().to_string();
        if label.is_empty() {
            label = js_adapter_label().await.unwrap_or_else(|| format!("{:?} adapter", info.backend));
        }
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("grokpad"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| format!("GPU device request failed: {e}"))?;
        let lost = Arc::new(std::sync::Mutex::new(None));
        let l2 = lost.clone();
        device.set_device_lost_callback(move |reason, msg| {
            if let Ok(mut g) = l2.lock() {
                *g = Some(format!("GPU device lost ({reason:?}): {msg}"));
            }
        });
        let l3 = lost.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut g) = l3.lock() {
                g.get_or_insert_with(|| format!("GPU error: {e}"));
            }
        }));
        Ok(GpuContext { device, queue, limits: device_limits(&limits), label, lost, kernels: Default::default() })
    }

    /// The kernels of this device (compiled on the first call).
    pub fn kernels(&self) -> Arc<super::kernels::Kernels> {
        self.kernels.get_or_init(|| Arc::new(super::kernels::Kernels::new(&self.device))).clone()
    }

    /// Native only: a blocking constructor.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new_blocking() -> Result<Self, String> {
        pollster::block_on(Self::new())
    }

    /// The reason the device failed, if it did.
    pub fn lost_reason(&self) -> Option<String> {
        self.lost.lock().ok().and_then(|g| g.clone())
    }
}

fn device_limits(l: &wgpu::Limits) -> wgpu::Limits {
    l.clone()
}

/// In the browser wgpu reports an empty name for many adapters (SwiftShader among them): read
/// `GPUAdapterInfo.vendor` / `.architecture` from JavaScript instead.
#[cfg(target_arch = "wasm32")]
async fn js_adapter_label() -> Option<String> {
    use wasm_bindgen::JsCast;
    let gpu = js_sys::Reflect::get(&web_sys::window()?.navigator(), &"gpu".into()).ok()?;
    let req = js_sys::Reflect::get(&gpu, &"requestAdapter".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let promise = req.call0(&gpu).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = js_sys::Reflect::get(&adapter, &"info".into()).ok()?;
    let field = |k: &str| js_sys::Reflect::get(&info, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let parts: Vec<String> =
        ["vendor", "architecture", "device"].iter().map(|k| field(k)).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| format!("WebGPU: {}", parts.join(" / ")))
}

#[cfg(not(target_arch = "wasm32"))]
async fn js_adapter_label() -> Option<String> {
    None
}
