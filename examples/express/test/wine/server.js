// The Express example served by Windows node.exe under Wine (see ../windows.test.ts): the strategy
// runs every leg through the win32-x64 build of sspi-native. Writes its port to argv[2]; GET
// /__stop ends it (the Linux side also stops it by pid).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { createApp } = require(path.join(__dirname, '..', '..', 'dist', 'app.js'));

const packages = (process.env.SSPI_WINE_PACKAGES || 'Negotiate,Kerberos').split(',');
const { app } = createApp({ sspi: { packages } });
const server = http.createServer((req, res) => {
  if (req.url === '/__stop') {
    res.end('bye\n');
    server.close();
    server.closeAllConnections();
    return;
  }
  app(req, res);
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(process.argv[2], String(server.address().port));
  console.log(`listening on ${server.address().port} (${process.platform}-${process.arch})`);
});
