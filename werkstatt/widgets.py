"""Interactive widgets (ipywidgets). Each also works as a static picture when no kernel runs it."""
from __future__ import annotations

from .errors import check_number
from .i18n import msg, num
from .plots import probability_bars, visible


def temperature_explorer(model, start: str = "e", length: int = 120):
    """A slider for the temperature: shows the next-character bars and a sample for the chosen value."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .bigram import apply_temperature
    from .plots import show

    length = check_number("length", length, 1, 10_000, whole=True)
    temperature = widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1, description=msg("widgets.temperature"),
                                      continuous_update=False)
    choices = [c for c in model.vocab if c.isalpha()] or model.vocab
    start_char = widgets.Dropdown(options=choices, value=start if start in choices else choices[0],
                                  description=msg("widgets.start_char"))
    output = widgets.Output()

    def redraw(*_):
        probs = apply_temperature(model.next_probs(start_char.value), temperature.value)
        best = int(probs.argmax())
        with output:
            output.clear_output(wait=True)
            shown_temperature = num(temperature.value, 1)
            ax = probability_bars(model.vocab, probs, msg("widgets.temperature_title", char=start_char.value,
                                  temperature=shown_temperature), msg("widgets.next_char"), msg("widgets.probability"))
            show(ax.figure, alt=msg("widgets.temperature_alt", char=start_char.value, temperature=shown_temperature,
                                    best=visible(model.vocab[best]), p=num(100 * probs[best])))
            sample = model.sample(start_char.value, length, temperature=temperature.value)
            print(msg("widgets.sample", text=sample))
        plt.close("all")

    temperature.observe(redraw, names="value")
    start_char.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([temperature, start_char]), output])
    display(box)
    return box
