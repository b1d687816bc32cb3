"""Car Finder: a Gradio Blocks app over the Vega "cars" data set (shipped in the
vega_datasets package), made of stock Gradio components only. Runs on Gradio 4.x and 5.x.

    python app.py PORT
"""

import json
import sys
from importlib.resources import files

import gradio as gr
import pandas as pd

RAW = json.loads((files("vega_datasets") / "_data" / "cars.json").read_text(encoding="utf-8"))
CARS = pd.DataFrame(RAW)
CARS["Year"] = CARS["Year"].str[:4].astype(int)
CARS["Name"] = CARS["Name"].str.title()
CARS = CARS.rename(columns={"Miles_per_Gallon": "MPG", "Weight_in_lbs": "Weight (lbs)"})
COLUMNS = ["Name", "Origin", "Year", "Cylinders", "MPG", "Horsepower", "Weight (lbs)"]
ORIGINS = ["USA", "Europe", "Japan"]
CYLINDERS = ["3", "4", "5", "6", "8"]
SORTS = ["Name", "Best MPG", "Most horsepower", "Newest"]
LABELS = sorted({f"{n} ({y})" for n, y in zip(CARS["Name"], CARS["Year"], strict=True)})
DEALERS = ["Downtown Motors", "Lakeside Auto", "Northgate Cars", "Westfield Dealership"]


def search(model, origins, cylinders, min_mpg, sort_by, max_weight, hide_missing, rows):
    found = CARS
    if model:
        found = found[found["Name"].str.contains(model.strip(), case=False, regex=False)]
    found = found[found["Origin"].isin(origins or [])]
    if cylinders:
        found = found[found["Cylinders"].isin([int(c) for c in cylinders])]
    if hide_missing:
        found = found[found["MPG"].notna()]
    if min_mpg:
        found = found[found["MPG"].fillna(0) >= min_mpg]
    found = found[found["Weight (lbs)"] <= max_weight]
    key, ascending = {"Name": ("Name", True), "Best MPG": ("MPG", False),
                      "Most horsepower": ("Horsepower", False), "Newest": ("Year", False)}[sort_by]
    found = found.sort_values(key, ascending=ascending, kind="stable")
    summary = f"**Found {len(found)} cars.**" if len(found) else "**No cars match these filters.**"
    return summary, found[COLUMNS].head(int(rows))


def reset():
    defaults = ("", ORIGINS, [], 0, "Name", 5200, True, 10)
    return (*defaults, *search(*defaults))


def car(label):
    name, year = label.rsplit(" (", 1)
    rows = CARS[(CARS["Name"] == name) & (CARS["Year"] == int(year.rstrip(")")))]
    return rows.iloc[0]


def compare(first, second):
    if not first or not second:
        return "Pick two cars to compare.", None
    a, b = car(first), car(second)
    specs = ["Origin", "Year", "Cylinders", "MPG", "Horsepower", "Weight (lbs)", "Acceleration"]
    def shown(v):
        return "n/a" if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else str(v))
    table = pd.DataFrame({"Spec": [s.replace("Acceleration", "0-60 mph (s)") for s in specs],
                          first: [shown(a[s]) for s in specs],
                          second: [shown(b[s]) for s in specs]})
    if pd.isna(a["MPG"]) or pd.isna(b["MPG"]):
        verdict = "One of these cars has no MPG figure."
    elif a["MPG"] == b["MPG"]:
        verdict = "Both cars are equally economical."
    else:
        verdict = f"The {first if a['MPG'] > b['MPG'] else second} is more economical."
    return verdict, table


def send_request(name, email, dealer, method, phone, interests, agree, message):
    problems = []
    if not name.strip():
        problems.append("your name")
    if "@" not in email:
        problems.append("a valid email address")
    if not dealer:
        problems.append("a dealer")
    if method == "Phone" and not phone.strip():
        problems.append("a phone number")
    if problems:
        return "⚠️ Please enter " + ", ".join(problems) + "."
    if not agree:
        return "⚠️ Please agree to be contacted."
    wants = ", ".join(interests) if interests else "general information"
    return (f"✅ Thanks, {name.strip()}! {dealer} will contact you by {method.lower()} "
            f"about: {wants}.")


with gr.Blocks(title="Car Finder", theme=gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"])) as demo:
    gr.Markdown("# Car Finder\nBrowse 406 classic cars from the 1970s and early 1980s.")
    with gr.Tabs():
        with gr.Tab("Search"):
            with gr.Row():
                with gr.Column(scale=1):
                    model = gr.Textbox(label="Model name", placeholder="e.g. toyota corolla")
                    origins = gr.CheckboxGroup(ORIGINS, value=ORIGINS, label="Origin")
                    cylinders = gr.Dropdown(CYLINDERS, value=[], multiselect=True, label="Cylinders",
                                            info="Leave empty for any")
                    min_mpg = gr.Slider(0, 50, value=0, step=1, label="Minimum MPG")
                    sort_by = gr.Radio(SORTS, value="Name", label="Sort by")
                    with gr.Accordion("More filters", open=False):
                        max_weight = gr.Slider(1500, 5200, value=5200, step=100, label="Maximum weight (lbs)")
                        hide_missing = gr.Checkbox(value=True, label="Hide cars without an MPG figure")
                        rows = gr.Slider(5, 50, value=10, step=5, label="Rows to show")
                    with gr.Row():
                        search_btn = gr.Button("Search", variant="primary")
                        reset_btn = gr.Button("Reset")
                with gr.Column(scale=2):
                    summary = gr.Markdown("Set the filters and press **Search**.")
                    results = gr.Dataframe(headers=COLUMNS, label="Results", interactive=False)
            inputs = [model, origins, cylinders, min_mpg, sort_by, max_weight, hide_missing, rows]
            search_btn.click(search, inputs, [summary, results])
            model.submit(search, inputs, [summary, results])
            reset_btn.click(reset, None, [*inputs, summary, results])
            demo.load(search, inputs, [summary, results])
        with gr.Tab("Compare"):
            with gr.Row():
                first = gr.Dropdown(LABELS, value=None, label="First car")
                second = gr.Dropdown(LABELS, value=None, label="Second car")
            compare_btn = gr.Button("Compare", variant="primary")
            verdict = gr.Markdown()
            comparison = gr.Dataframe(headers=["Spec", "First car", "Second car"],
                                      label="Comparison", interactive=False)
            compare_btn.click(compare, [first, second], [verdict, comparison])
        with gr.Tab("Contact a dealer"):
            with gr.Row():
                name = gr.Textbox(label="Your name")
                email = gr.Textbox(label="Email", placeholder="you@example.com")
            dealer = gr.Dropdown(DEALERS, value=None, label="Preferred dealer")
            method = gr.Radio(["Email", "Phone"], value="Email", label="Contact method")
            phone = gr.Textbox(label="Phone number", visible=False)
            method.change(lambda m: gr.update(visible=m == "Phone"), method, phone)
            interests = gr.CheckboxGroup(["Test drive", "Financing", "Trade-in"], label="I'm interested in")
            message = gr.Textbox(label="Message", lines=3)
            agree = gr.Checkbox(label="I agree to be contacted about my request")
            send_btn = gr.Button("Send request", variant="primary")
            status = gr.Markdown()
            send_btn.click(send_request, [name, email, dealer, method, phone, interests, agree, message],
                           status)

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), show_api=False)
