/** Headers of real image files, built byte by byte: enough for a format sniffer and a size reader. */

export function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write("IHDR", 12, "latin1");
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  header.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA, no interlace
  return header;
}

/** SOI, a JFIF APP0 segment, an APP1 segment (EXIF-sized) per entry of `appBytes`, then a baseline SOF0. */
export function jpeg(width: number, height: number, appBytes: readonly number[] = []): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const apps = appBytes.map((bytes) => {
    const segment = Buffer.alloc(bytes + 4);
    segment.set([0xff, 0xe1], 0);
    segment.writeUInt16BE(bytes + 2, 2);
    return segment;
  });
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, ...apps, sof]);
}

export function gif(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.write("GIF89a", 0, "latin1");
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  return header;
}

function riff(chunk: string, payload: Buffer): Buffer {
  const file = Buffer.alloc(20 + payload.length);
  file.write("RIFF", 0, "latin1");
  file.writeUInt32LE(12 + payload.length, 4);
  file.write("WEBP", 8, "latin1");
  file.write(chunk, 12, "latin1");
  file.writeUInt32LE(payload.length, 16);
  payload.copy(file, 20);
  return file;
}

export function webpLossy(width: number, height: number): Buffer {
  const payload = Buffer.alloc(10);
  payload.set([0x9d, 0x01, 0x2a], 3);
  payload.writeUInt16LE(width, 6);
  payload.writeUInt16LE(height, 8);
  return riff("VP8 ", payload);
}

export function webpLossless(width: number, height: number): Buffer {
  const payload = Buffer.alloc(5);
  payload[0] = 0x2f;
  payload.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 1);
  return riff("VP8L", payload);
}

export function webpExtended(width: number, height: number): Buffer {
  const payload = Buffer.alloc(10);
  payload.writeUIntLE(width - 1, 4, 3);
  payload.writeUIntLE(height - 1, 7, 3);
  return riff("VP8X", payload);
}
