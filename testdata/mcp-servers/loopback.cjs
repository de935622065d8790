// Preloaded with `node --require` by the MCP tests: a server that listens on a port alone
// (server-everything's streamableHttp mode calls app.listen(PORT), which is every interface)
// listens on 127.0.0.1 only.
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  const portOnly =
    (typeof port === "number" || (typeof port === "string" && /^\d+$/.test(port))) &&
    (args.length === 1 || typeof args[1] === "function");
  if (portOnly) {
    args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
