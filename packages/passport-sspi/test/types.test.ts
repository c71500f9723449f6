import path from 'node:path';
import ts from 'typescript';

/**
 * Type-checks test/types/*.ts with the compiler (ts-jest only transpiles): the public overloads must accept what
 * they promise and refuse, as `@ts-expect-error` lines, what they must (an unused one is itself an error).
 */
it('the public types accept and refuse what they should', () => {
  const configFile = path.join(__dirname, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error(`cannot read ${configFile}`);

  const program = ts.createProgram({
    rootNames: [path.join(__dirname, 'types', 'overloads.ts')],
    options: {
      ...config.options,
      // Checked against sspi-native's source, so this runs before the sibling package is built.
      paths: { 'sspi-native': [path.join(__dirname, '..', '..', 'sspi-native', 'src', 'index.ts')] },
    },
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(__dirname, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
});
