// @serialport/binding-mock ships types its package.json "exports" hides from NodeNext resolution;
// this declares the part the tests use.
declare module "@serialport/binding-mock" {
  export interface MockPortBinding {
    readonly isOpen: boolean;
    recording: Buffer;
    emitData(data: Buffer | string): void;
  }
  export const MockBinding: {
    createPort(path: string, options?: { echo?: boolean; record?: boolean }): void;
    reset(): void;
    list(): Promise<{ path: string }[]>;
    open(options: { path: string; baudRate: number }): Promise<MockPortBinding>;
  };
}
