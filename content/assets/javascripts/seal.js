/* 号码加密: seal a mobile number to the bureau's public key in this browser (Web Crypto).
 * Same steps as build_tools/sealing.py: ephemeral ECDH P-256 key, HKDF-SHA256 (salt = ephemeral public
 * key, info = INFO + bureau public key), AES-256-GCM with the token's header as associated data.
 * Token: sealed:v1:<masked>:<key id>:base64url(ephemeral public key | nonce | ciphertext+tag).
 * Nothing is sent anywhere and nothing is stored: the number only lives in the input field. */
(function () {
  "use strict";
  var form = document.getElementById("tp-seal-form");
  var keyBox = document.getElementById("tp-seal-key");
  if (!form || !keyBox) return;
  var KEY = JSON.parse(keyBox.textContent);
  var input = document.getElementById("tp-seal-number");
  var error = document.getElementById("tp-seal-error");
  var result = document.getElementById("tp-seal-result");
  var tokenBox = document.getElementById("tp-seal-token");
  var copied = document.getElementById("tp-seal-copied");
  var SEPARATORS = /[\s\-\u2010-\u2015\u2212\ufe63\uff0d.\uff0e\u00b7\u30fb\uff65_\/\u200b-\u200d\u2060\ufeff()\uff08\uff09]/g;

  /* '+86 1xx xxxx xxxx', full-width digits, separators ... -> the 11 digits, or null */
  function normalise(text) {
    var s = text.normalize("NFKC").replace(SEPARATORS, "").replace(/^\+?(?:00)?86(?=1\d{10}$)/, "");
    return /^1[3-9]\d{9}$/.test(s) ? s : null;
  }

  function bytes(b64) {
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function base64url(buf) {
    var bin = "";
    buf.forEach(function (b) { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function concat() {
    var parts = Array.prototype.slice.call(arguments), n = 0, at = 0;
    parts.forEach(function (p) { n += p.length; });
    var out = new Uint8Array(n);
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  async function seal(number) {
    var subtle = crypto.subtle, enc = new TextEncoder();
    var spki = bytes(KEY.spki);
    var bureau = await subtle.importKey("spki", spki, { name: "ECDH", namedCurve: "P-256" }, true, []);
    var bureauRaw = new Uint8Array(await subtle.exportKey("raw", bureau));
    var eph = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
    var ephRaw = new Uint8Array(await subtle.exportKey("raw", eph.publicKey));
    var secret = await subtle.deriveBits({ name: "ECDH", public: bureau }, eph.privateKey, 256);
    var hkdf = await subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
    var aes = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: ephRaw, info: concat(enc.encode(KEY.info), bureauRaw) },
      hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    var masked = number.slice(0, 3) + "****" + number.slice(-4);
    var header = KEY.prefix + masked + ":" + KEY.kid;
    var nonce = crypto.getRandomValues(new Uint8Array(12));
    var sealed = new Uint8Array(await subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: enc.encode(header) }, aes, enc.encode(number)));
    return { masked: masked, token: header + ":" + base64url(concat(ephRaw, nonce, sealed)) };
  }

  function fail(text) {
    error.textContent = text;
    error.hidden = false;
    result.hidden = true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    copied.hidden = true;
    var number = normalise(input.value);
    if (!number) return fail("请输入 11 位手机号（可含空格、连字符或 +86）。固定电话不需要加密，可直接填写在表单中。");
    if (!window.crypto || !crypto.subtle) return fail("当前浏览器不支持加密（需要 https 访问和较新的浏览器），请更换浏览器后再试。");
    seal(number).then(function (out) {
      document.getElementById("tp-seal-masked").textContent = out.masked;
      tokenBox.value = out.token;
      result.hidden = false;
    }, function () {
      fail("加密失败，请刷新页面后重试，或更换浏览器。");
    });
  });

  document.getElementById("tp-seal-copy").addEventListener("click", function () {
    tokenBox.select();
    var done = function () { copied.hidden = false; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(tokenBox.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
