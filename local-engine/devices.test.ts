import { beforeAll, describe, expect, it } from "vitest";
import { ensureLlamaModel } from "./gguf/index.js";
import { EngineError, LocalEngine, type LocalEngineOptions, listGpuDevices } from "./index.js";
import { chooseGpuDevice } from "./llama-library.js";
import type { NativeDevice } from "./native-addon.js";
import { hasNodeLlamaCpp, onGpu, testGpu, testLibraryDir, tinyModelPath } from "./test/engine-test-env.js";

const modelPath = tinyModelPath;
const base = {
  modelPath,
  threads: 1,
  slots: 2,
  contextPerSlot: 256,
  ...(testGpu === undefined ? {} : { gpu: testGpu }),
  ...(testLibraryDir === undefined ? {} : { libraryDir: testLibraryDir }),
} as const;
const listOptions = {
  ...(testGpu === undefined ? {} : { gpu: testGpu }),
  ...(testLibraryDir === undefined ? {} : { libraryDir: testLibraryDir }),
};

function device(name: string, description: string, type: NativeDevice["type"]): NativeDevice {
  return { name, description, type, freeBytes: 1, totalBytes: 2 };
}

const LIBRARY = "/opt/llama/libllama.cuda.so";
// ggml registers GPU backends before the CPU.
const twoH200s = [
  device("CUDA0", "NVIDIA H200", "gpu"),
  device("CUDA1", "NVIDIA H200", "gpu"),
  device("CPU", "AMD EPYC", "cpu"),
];

async function loadError(options: LocalEngineOptions): Promise<EngineError> {
  const error = await LocalEngine.load(options).then(
    async (engine) => {
      await engine.close();
      return undefined;
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

async function greedyText(engine: LocalEngine, prompt: string): Promise<string> {
  const completion = await engine.generate({ prompt, maxTokens: 16, temperature: 0 }).done;
  expect(completion.completionTokens).toBeGreaterThan(0);
  return completion.text;
}

describe("chooseGpuDevice", () => {
  it("takes the first GPU when no index is given", () => {
    expect(chooseGpuDevice(twoH200s, undefined, LIBRARY)).toEqual({
      device: twoH200s[0],
      index: 0,
      registryIndex: 0,
    });
  });

  it("counts only GPUs, and keeps each one's place in the whole device list", () => {
    const mixed = [
      device("CPU", "AMD EPYC", "cpu"),
      device("BLAS", "OpenBLAS", "accel"),
      device("Vulkan0", "AMD Radeon 780M", "igpu"),
      device("Vulkan1", "AMD Radeon RX 7900", "gpu"),
    ];
    expect(chooseGpuDevice(mixed, 1, LIBRARY)).toEqual({ device: mixed[3], index: 1, registryIndex: 3 });
    expect(chooseGpuDevice(mixed, 0, LIBRARY)).toMatchObject({ index: 0, registryIndex: 2 });
  });

  it("names the GPUs there are when the index is out of range", () => {
    const error = (() => {
      try {
        chooseGpuDevice(twoH200s, 3, LIBRARY);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({
      code: "NO_GPU_DEVICE",
      message: `device 3 was asked for, but ${LIBRARY} has 2 GPUs (0: NVIDIA H200, 1: NVIDIA H200)`,
    });
    expect(() => chooseGpuDevice(twoH200s, 2, LIBRARY)).toThrow(/device 2 was asked for/);
  });

  it.each([1.5, -1, Number.NaN])("refuses device %s as an invalid argument", (index) => {
    expect(() => chooseGpuDevice(twoH200s, index, LIBRARY)).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(/^device must be/),
      }),
    );
  });

  it("picks nothing on a build without GPUs, and says the engine runs on the CPU when one is asked for", () => {
    const cpuOnly = [device("CPU", "AMD EPYC", "cpu")];
    expect(chooseGpuDevice(cpuOnly, undefined, LIBRARY)).toBeUndefined();
    expect(() => chooseGpuDevice(cpuOnly, 0, LIBRARY)).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: `device 0 was asked for, but the engine runs on the CPU: ${LIBRARY} has no GPU`,
      }),
    );
  });
});

describe.skipIf(!hasNodeLlamaCpp)("device selection with the bound llama.cpp build", () => {
  beforeAll(() => ensureLlamaModel({ path: modelPath }));

  it("lists the build's GPUs: none on a CPU build", () => {
    const gpus = listGpuDevices(listOptions);
    if (!onGpu) {
      expect(gpus).toEqual([]);
      return;
    }
    expect(gpus.length).toBeGreaterThan(0);
    gpus.forEach((gpu, i) => {
      expect(gpu).toMatchObject({ index: i, backend: testGpu });
      expect(gpu.name).not.toBe("");
      expect(gpu.totalBytes).toBeGreaterThanOrEqual(gpu.freeBytes);
      expect(gpu.freeBytes).toBeGreaterThan(0);
    });
  });

  it("lists no GPU when the engine is to run on the CPU", () => {
    expect(listGpuDevices({ ...listOptions, gpu: "cpu" })).toEqual([]);
  });

  it('refuses a device with gpu: "cpu", saying the engine runs on the CPU', async () => {
    const error = await loadError({ ...base, gpu: "cpu", device: 0 });
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(/^device 0 was asked for, but gpu: "cpu" runs the engine on the CPU$/);
  });

  it.each([1.5, -1])("refuses device %s, naming the option", async (index) => {
    const error = await loadError({ ...base, device: index });
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe(
      `device must be a non-negative integer (an index into listGpuDevices()), got ${index}`,
    );
  });

  it.skipIf(onGpu)("refuses a device when the build has no GPU, and names no device index", async () => {
    const error = await loadError({ ...base, device: 0 });
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(
      /^device 0 was asked for, but the engine runs on the CPU: .*libllama.* has no GPU$/,
    );
    const engine = await LocalEngine.load(base);
    try {
      expect(engine.info.backend).toBe("cpu");
      expect(engine.info.deviceIndex).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it.skipIf(!onGpu)("puts an engine on GPU 0 and generates there", async () => {
    const engine = await LocalEngine.load({ ...base, device: 0 });
    try {
      const [first] = listGpuDevices(listOptions);
      expect(engine.info.deviceIndex).toBe(0);
      expect(engine.info.device).toBe(first?.description || first?.name);
      expect(await greedyText(engine, "the river")).not.toBe("");
    } finally {
      await engine.close();
    }
  });

  it.skipIf(!onGpu)("refuses a GPU index past the last one, naming the GPUs there are", async () => {
    const count = listGpuDevices(listOptions).length;
    const error = await loadError({ ...base, device: count });
    expect(error.code).toBe("NO_GPU_DEVICE");
    expect(error.message).toMatch(
      new RegExp(`^device ${count} was asked for, but .* has ${count} GPUs? \\(0: `),
    );
  });

  it.skipIf(!onGpu)("generates on GPU 1 the same greedy text as on GPU 0", async (context) => {
    const gpus = listGpuDevices(listOptions);
    if (gpus.length < 2) context.skip("the host has one GPU");
    const [zero, one] = await Promise.all([
      LocalEngine.load({ ...base, device: 0 }),
      LocalEngine.load({ ...base, device: 1 }),
    ]);
    try {
      expect(one.info.deviceIndex).toBe(1);
      expect(one.info.device).toBe(gpus[1]?.description || gpus[1]?.name);
      for (const prompt of ["the river", "a house by the sea"]) {
        expect(await greedyText(one, prompt)).toBe(await greedyText(zero, prompt));
      }
    } finally {
      await Promise.all([zero.close(), one.close()]);
    }
  });
});
