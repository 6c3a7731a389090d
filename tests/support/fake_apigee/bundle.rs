//! API proxy bundles as Apigee serves them: a zip archive with the proxy's `apiproxy/` tree.
//! Written by hand (stored entries, no compression) so the fake needs no zip dependency; any zip
//! reader opens it.

/// CRC-32 (IEEE), as the zip format requires for each entry.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A zip archive of `files` (path, content), each stored uncompressed.
pub(crate) fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        // Version 2.0, no flags, stored; 12:00 on 2024-12-06 (MS-DOS time and date).
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0x60, 0x86, 0x59]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Central directory entry.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0x60, 0x86, 0x59]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let count = files.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The bundle of revision `revision` of proxy `name`: its descriptor and one proxy endpoint, as
/// the Apigee UI's "Download revision" produces them.
pub(crate) fn proxy_bundle(name: &str, revision: u32) -> Vec<u8> {
    let descriptor = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <APIProxy revision=\"{revision}\" name=\"{name}\">\n  <DisplayName>{name}</DisplayName>\n\
         <ProxyEndpoints><ProxyEndpoint>default</ProxyEndpoint></ProxyEndpoints>\n</APIProxy>\n"
    );
    let endpoint = format!(
        "<ProxyEndpoint name=\"default\">\n  <HTTPProxyConnection><BasePath>/{name}</BasePath></HTTPProxyConnection>\n\
         <RouteRule name=\"default\"><TargetEndpoint>default</TargetEndpoint></RouteRule>\n</ProxyEndpoint>\n"
    );
    zip(&[
        (format!("apiproxy/{name}.xml"), descriptor.into_bytes()),
        (
            "apiproxy/proxies/default.xml".to_owned(),
            endpoint.into_bytes(),
        ),
    ])
}
