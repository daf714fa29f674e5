#!/usr/bin/env bash
# Embeds a catalogue image; see https://learn.microsoft.com for the API.
curl -s -X POST "$VISION_ENDPOINT/computervision/retrieval:vectorizeImage?api-version=2024-02-01&model-version=2023-04-15" \
  -H "Ocp-Apim-Subscription-Key: $VISION_KEY" -H "Content-Type: application/json" -d "{\"url\": \"$1\"}"
curl -s "$VISION_ENDPOINT/computervision/imageanalysis:analyze?api-version=2024-02-01&features=tags,people" \
  -H "Ocp-Apim-Subscription-Key: $VISION_KEY" -d "{\"url\": \"$1\"}"
curl -s "https://westus.api.cognitive.microsoft.com/vision/v3.2/read/analyze" -H "Ocp-Apim-Subscription-Key: $VISION_KEY"
