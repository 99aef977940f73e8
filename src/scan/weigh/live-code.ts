// What makes text that runs at every start (a shell profile block, a service unit) more than
// settings: it fetches, decodes, runs inline code, opens a socket or stages a file in /tmp. The
// stages that hold such text at RISKY when it has none of these share this one list.
export const LIVE_CODE =
  /\b(?:curl|wget|nc|ncat|socat|telnet|base64|xxd|openssl|osascript|eval|python[23]?\s+-c|node\s+-e|perl\s+-e|ruby\s+-e|(?:ba)?sh\s+-c)\b|https?:\/\/|\/dev\/(?:tcp|udp)|\/tmp\//i;
