const { PredictionAPIClient } = require("@azure/cognitiveservices-customvision-prediction");
const { ApiKeyCredentials } = require("@azure/ms-rest-js");

const credentials = new ApiKeyCredentials({ inHeader: { "Prediction-key": process.env.PREDICTION_KEY } });
const client = new PredictionAPIClient(credentials, process.env.PREDICTION_ENDPOINT);

// client.detectImageUrl(projectId, "prod", { url }) was the old detector
async function classify(projectId, url) {
  const link = "https://example.com/docs#classifyImageUrl"; // not a call
  return client.classifyImageUrl(projectId, "prod", { url });
}
