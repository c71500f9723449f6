// sspi-native's error classes, taken from its source: they are plain TypeScript, so the unit tests stay free of
// the native addon (importing the package would load it).
export * from '../../../sspi-native/src/errors';
