/** UI state: everything the page shows, fed by messages from the trainer worker. */
import { create } from 'zustand';
import type { BackendName, FromWorker } from '../src/protocol';

export type WorkerStatus = 'starting' | 'ready' | 'crashed';

export interface AppState {
  workerStatus: WorkerStatus;
  backend: BackendName | null;
  /** Why WebGPU was not used; '' when it was. */
  backendReason: string;
  /** Errors reported by the worker or by its crash, newest last. */
  errors: string[];
  receive(message: FromWorker): void;
  reportError(message: string): void;
  reportCrash(message: string): void;
  dismissErrors(): void;
}

export const useAppStore = create<AppState>()((set, get) => ({
  workerStatus: 'starting',
  backend: null,
  backendReason: '',
  errors: [],
  receive(message) {
    switch (message.type) {
      case 'ready':
        set({ workerStatus: 'ready', backend: message.backend, backendReason: message.reason });
        return;
      case 'error':
        get().reportError(message.message);
        return;
      case 'state':
      case 'progress':
      case 'runFinished':
        return;
    }
  },
  reportError(message) {
    set((state) => ({ errors: [...state.errors, message] }));
  },
  reportCrash(message) {
    set((state) => ({ workerStatus: 'crashed', errors: [...state.errors, message] }));
  },
  dismissErrors() {
    set({ errors: [] });
  },
}));
