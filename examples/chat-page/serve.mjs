// `npm run chat-page`: builds the chat page and serves it on http://localhost:5173, an origin the API's
// development CORS_ORIGINS allows. Open http://localhost:5173/?api=http://localhost:8787&token=<token>&thread=<id>.
import { createServer } from "node:http";
import { buildChatPage } from "./build.mjs";

const { html, js } = await buildChatPage();
createServer((request, response) => {
  const script = request.url?.startsWith("/app.js");
  response.writeHead(200, { "Content-Type": script ? "text/javascript" : "text/html; charset=utf-8" });
  response.end(script ? js : html);
}).listen(5173, "localhost", () => console.log("chat page on http://localhost:5173"));
