"""A FastAPI service around our own ONNX model: nothing to do with Azure."""
from dataclasses import dataclass

from fastapi import FastAPI

app = FastAPI()


@dataclass
class Prediction:
    label: str
    probability: float


def predict_image_url(url: str) -> Prediction:
    return Prediction("cat", 0.9)


@app.get("/classify")
def classify_image(url: str) -> Prediction:
    return predict_image_url(url)
