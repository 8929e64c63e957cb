// Injection tokens shared by every service.
export const MESSAGE_BUS = Symbol('MessageBus');
export const CLOCK = Symbol('Clock');
export const ID_GENERATOR = Symbol('IdGenerator');
export const SERVICE_NAME = Symbol('ServiceName');
export const PLATFORM_CONFIG = Symbol('PlatformConfig');
