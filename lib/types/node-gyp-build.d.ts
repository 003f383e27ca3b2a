declare module 'node-gyp-build' {
  /** Loads the addon of the package rooted at `dir`: a matching prebuild, else build/Release. */
  function load(dir: string): any;
  export = load;
}
