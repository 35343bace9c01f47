/* Click-to-load embeds. Until a reader clicks, an embed is a link to the
   post and nothing is requested from its provider; the click puts the
   provider's player (data-embed) in the link's place, in a sandboxed
   frame. Without JavaScript the link simply leads to the post. */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[data-embed]") : null;
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  var player = link.getAttribute("data-embed");
  if (player.indexOf("https://") !== 0) {
    return;
  }
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.src = player;
  frame.title = link.getAttribute("data-embed-title") || "";
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation");
  frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
  frame.setAttribute("allowfullscreen", "");
  frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
  frame.className = "embed-player";
  var box = link.parentNode;
  box.replaceChild(frame, link);
  box.classList.add("embed-playing");
  frame.focus();
});
