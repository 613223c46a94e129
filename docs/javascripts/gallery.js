// The gallery: a click on a scene's picture plays or pauses its video.
document.addEventListener("click", (event) => {
  const video = event.target.closest(".gallery-row video");
  if (video) {
    if (video.paused) video.play(); else video.pause();
  }
});
