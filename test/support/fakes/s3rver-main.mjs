// Runs s3rver in its own process. s3rver makes list continuation tokens with DES, which
// OpenSSL 3 only offers through its legacy provider, so this process starts with
// --openssl-legacy-provider and the tests' own processes stay as they are.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
